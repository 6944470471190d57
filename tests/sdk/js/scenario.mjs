/**
 * The story every JavaScript client tells against the service, independent of the client:
 * which photos play which part (face_recognition's knn examples) and the checks on what the
 * service answers. Results are checked in their JSON shape, which both Microsoft clients
 * hand back (camelCase fields as on the wire).
 *
 * The training photos each show exactly one face, so faces are added without `targetFace`.
 */

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "./steps.mjs";

/** Detection and recognition models of every detect call and collection in the story. */
export const DETECTION_MODEL = "detection_01";
export const RECOGNITION_MODEL = "recognition_04";

/** The people enrolled in the LargePersonGroup, with their training photos. */
export const PEOPLE = {
  obama: ["train/obama/obama.jpg", "train/obama/obama2.jpg"],
  biden: ["train/biden/biden.jpg", "train/biden/biden2.jpg"],
  rose_leslie: ["train/rose_leslie/img1.jpg", "train/rose_leslie/img2.jpg"],
};

/** The query face: Obama in a photo that is not among the training photos. */
export const QUERY = "test/obama1.jpg";
export const QUERY_PERSON = "obama";
export const SAME_PERSON_PHOTO = "train/obama/obama2.jpg";
export const OTHER_PERSON_PHOTO = "train/biden/biden.jpg";
export const OTHER_PERSON = "biden";

/** LargeFaceList faces; the first is the one FindSimilar must rank first for the query. */
export const LIST_PHOTOS = [
  "train/obama/obama.jpg",
  "train/biden/biden.jpg",
  "train/rose_leslie/img1.jpg",
  "train/alex_lacamoire/img1.jpg",
];

/** Group: two photos of each of two people besides the query's second photo, and one stranger. */
export const GROUP_PHOTOS = {
  withQuery: [SAME_PERSON_PHOTO],
  together: ["train/biden/biden.jpg", "train/biden/biden2.jpg"],
  alone: "train/alex_lacamoire/img1.jpg",
};

export const RENAMED = "Barack Obama";
export const RENAMED_PERSON = "obama";
export const DELETED_PERSON = "rose_leslie";

/** The 27 landmarks detection_01 returns. */
const LANDMARKS = [
  "pupilLeft", "pupilRight", "noseTip", "mouthLeft", "mouthRight",
  "eyebrowLeftOuter", "eyebrowLeftInner", "eyeLeftOuter", "eyeLeftTop", "eyeLeftBottom", "eyeLeftInner",
  "eyebrowRightInner", "eyebrowRightOuter", "eyeRightInner", "eyeRightTop", "eyeRightBottom", "eyeRightOuter",
  "noseRootLeft", "noseRootRight", "noseLeftAlarTop", "noseRightAlarTop", "noseLeftAlarOutTip",
  "noseRightAlarOutTip", "upperLipTop", "upperLipBottom", "underLipTop", "underLipBottom",
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const POLL_MILLISECONDS = 500;

/**
 * The command line every script takes: endpoint, key, the knn examples folder, and one optional
 * argument, answered under `optional` (by default the API version to call).
 */
export function commandLine(argv, optional = "apiVersion") {
  const [endpoint, key, photosDir, extra] = argv.slice(2);
  if (!endpoint || !key || !photosDir) {
    console.error(`usage: node <script> <endpoint> <key> <knn_examples folder> [${optional}]`);
    process.exit(2);
  }
  return { endpoint, key, photosDir, [optional]: extra };
}

/** Reads photos given relative to the knn examples folder. */
export function photoReader(photosDir) {
  return (relative) => readFileSync(join(photosDir, relative));
}

/** A fresh collection id (lower case, as Azure requires). */
export function uniqueId(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function expectId(value, what) {
  expect(typeof value === "string" && UUID.test(value), `${what} is not a UUID: ${JSON.stringify(value)}`);
  return value;
}

/** One face, with an id, the requested recognition model and all 27 landmarks inside its rectangle. */
export function checkDetected(faces) {
  expect(Array.isArray(faces) && faces.length === 1, `expected one face, got ${JSON.stringify(faces)}`);
  const [face] = faces;
  expectId(face.faceId, "faceId");
  expect(face.recognitionModel === RECOGNITION_MODEL, `recognitionModel is ${face.recognitionModel}`);
  const landmarks = face.faceLandmarks ?? {};
  const missing = LANDMARKS.filter((name) => typeof landmarks[name]?.x !== "number");
  expect(missing.length === 0, `landmarks missing: ${missing.join(", ")}`);
  const { left, top, width, height } = face.faceRectangle;
  const outside = LANDMARKS.filter(
    (name) =>
      landmarks[name].x < left - width / 4 ||
      landmarks[name].x > left + width * 1.25 ||
      landmarks[name].y < top - height / 4 ||
      landmarks[name].y > top + height * 1.25,
  );
  expect(outside.length === 0, `landmarks far outside the face: ${outside.join(", ")}`);
  return { faceId: face.faceId, faceRectangle: face.faceRectangle, landmarks: LANDMARKS.length };
}

/** Identify named the expected person first. */
export function checkIdentified(results, faceId, personId) {
  expect(Array.isArray(results) && results.length === 1, `expected one result, got ${JSON.stringify(results)}`);
  const [result] = results;
  expect(result.faceId === faceId, `result for ${result.faceId}, asked for ${faceId}`);
  const [best] = result.candidates ?? [];
  expect(best?.personId === personId, `first candidate ${JSON.stringify(best)}, expected ${personId}`);
  expect(best.confidence >= 0.5, `confidence ${best.confidence}`);
  return { personId: best.personId, confidence: best.confidence };
}

/** A verification with the expected verdict and a confidence on the matching side of 0.5. */
export function checkVerified(result, identical, what) {
  expect(result.isIdentical === identical, `${what}: isIdentical ${result.isIdentical}, expected ${identical}`);
  expect(identical === result.confidence >= 0.5, `${what}: confidence ${result.confidence}`);
  return { isIdentical: result.isIdentical, confidence: result.confidence };
}

/** FindSimilar ranked the expected face first, returned every face, by falling confidence. */
export function checkSimilar(matches, expectedFirst, count) {
  expect(Array.isArray(matches) && matches.length === count, `expected ${count} matches: ${JSON.stringify(matches)}`);
  expect(matches[0].persistedFaceId === expectedFirst, `first match ${matches[0].persistedFaceId}`);
  const falling = matches.every((match, index) => index === 0 || matches[index - 1].confidence >= match.confidence);
  expect(falling, `confidences not in falling order: ${matches.map((match) => match.confidence)}`);
  return matches.map((match) => match.confidence);
}

/** Group put each person's faces together and the stranger in the messy group. */
export function checkGrouped(result, expectedGroups, stranger) {
  const asText = (groups) => groups.map((group) => [...group].sort().join(",")).sort();
  expect(
    JSON.stringify(asText(result.groups ?? [])) === JSON.stringify(asText(expectedGroups)),
    `groups ${JSON.stringify(result.groups)}, expected ${JSON.stringify(expectedGroups)}`,
  );
  expect(JSON.stringify(result.messyGroup) === JSON.stringify([stranger]), `messyGroup ${result.messyGroup}`);
  return { groups: result.groups.length, messyGroup: result.messyGroup.length };
}

/**
 * Training statuses as the API version spells them: v1.0 (and its PersonDirectory
 * preview) says `notstarted` (its schema `nonstarted`), later versions `notStarted`.
 */
export function trainingStatuses(apiVersion) {
  return apiVersion.startsWith("v1.0")
    ? ["notstarted", "nonstarted", "running", "succeeded", "failed"]
    : ["notStarted", "running", "succeeded", "failed"];
}

/**
 * Reads a training status until it is final (`succeeded` or `failed`, in any case, so that a
 * misspelt status still ends the wait); answers every status read, and checks nothing else.
 * `readStatus` answers the status with its fields named as on the wire.
 */
export async function watchTraining(readStatus) {
  const reads = [];
  for (;;) {
    const training = await readStatus();
    reads.push(training);
    if (["succeeded", "failed"].includes(String(training.status).toLowerCase())) {
      return reads;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MILLISECONDS));
  }
}

/**
 * Every status read (`reads`, as `watchTraining` answers) is spelled as `apiVersion` spells
 * it, and the final one is a success with the timestamps the version documents.
 */
export function checkTraining(reads, apiVersion) {
  const allowed = trainingStatuses(apiVersion);
  const statuses = reads.map((training) => training.status);
  const misspelt = reads.find((training) => !allowed.includes(training.status));
  expect(!misspelt, `status ${JSON.stringify(misspelt?.status)} is not one of ${allowed} (${apiVersion})`, {
    statusesRead: statuses,
    firstMisspelt: misspelt,
  });
  const final = reads.at(-1);
  expect(final.status === "succeeded", `training ended ${final.status}: ${final.message}`);
  const required = apiVersion.startsWith("v1.0")
    ? ["createdDateTime"]
    : ["createdDateTime", "lastActionDateTime", "lastSuccessfulTrainingDateTime"];
  const absent = required.filter((field) => !final[field]);
  expect(absent.length === 0, `training status lacks ${absent.join(", ")}: ${JSON.stringify(final)}`);
  return { statusesRead: statuses, final };
}

/**
 * One watch (`watchTraining`) per collection, started when its training starts and kept for the
 * steps that need the training over. A watch's failure is reported by the steps that await it,
 * never left as an unhandled rejection.
 */
export class TrainingWatches {
  #watches = new Map();

  /** The watch of `name`'s training, started now if none runs. */
  of(name, readStatus) {
    if (!this.#watches.has(name)) {
      const watch = watchTraining(readStatus);
      watch.catch(() => {});
      this.#watches.set(name, watch);
    }
    return this.#watches.get(name);
  }

  /** A new watch of `name`'s training, for a training that just started. */
  restart(name, readStatus) {
    this.#watches.delete(name);
    return this.of(name, readStatus);
  }
}
