/**
 * `@azure/cognitiveservices-face` 5.0.0, Microsoft's v1.0 JavaScript client, unchanged, against the
 * service: `node cognitiveservices_face.mjs <endpoint> <key> <knn examples folder>`.
 *
 * The client always calls `/face/v1.0`. It has no long-running poller: training is started with
 * `train` and followed with `getTrainingStatus`, as its documentation does. Its errors are
 * `RestError`s carrying the HTTP status (`statusCode`) and Azure's error code (`code`).
 */

import faceSdk from "@azure/cognitiveservices-face";
import msRest from "@azure/ms-rest-js";

import {
  DELETED_PERSON,
  DETECTION_MODEL,
  GROUP_PHOTOS,
  LIST_PHOTOS,
  OTHER_PERSON,
  OTHER_PERSON_PHOTO,
  PEOPLE,
  QUERY,
  QUERY_PERSON,
  RECOGNITION_MODEL,
  RENAMED,
  RENAMED_PERSON,
  SAME_PERSON_PHOTO,
  TrainingWatches,
  checkDetected,
  checkGrouped,
  checkIdentified,
  checkSimilar,
  checkTraining,
  checkVerified,
  commandLine,
  expectId,
  photoReader,
  uniqueId,
} from "./scenario.mjs";
import { StepFailure, expect, runSteps } from "./steps.mjs";

const API_VERSION = "v1.0";

const { endpoint, key, photosDir } = commandLine(process.argv);
const client = new faceSdk.FaceClient(
  new msRest.ApiKeyCredentials({ inHeader: { "Ocp-Apim-Subscription-Key": key } }),
  endpoint,
);
const photo = photoReader(photosDir);
const groupId = uniqueId("js-lpg");
const listId = uniqueId("js-lfl");
const persons = {};
const faces = {};
const listFaces = [];
const trainings = new TrainingWatches();
const state = {};

/** Runs `call`, which must fail with `status` and Azure's `code`, as the client surfaces them. */
async function expectError(call, status, code, what) {
  try {
    await call();
  } catch (error) {
    const got = { statusCode: error.statusCode, code: error.code, message: error.message };
    expect(error.statusCode === status && error.code === code, `${what}: expected ${status} ${code}`, {
      ...got,
      response: error.response,
    });
    return got;
  }
  throw new StepFailure(`${what}: succeeded, expected ${status} ${code}`);
}

async function detect(relative, landmarks) {
  const detected = await client.face.detectWithStream(photo(relative), {
    detectionModel: DETECTION_MODEL,
    recognitionModel: RECOGNITION_MODEL,
    returnFaceId: true,
    returnFaceLandmarks: landmarks,
    returnRecognitionModel: true,
  });
  const called = new URL(detected._response.request.url).pathname;
  expect(called === `/face/${API_VERSION}/detect`, `the client called ${called}`);
  return detected;
}

async function faceIdOf(relative) {
  const [face] = await detect(relative, false);
  return expectId(face?.faceId, `faceId in ${relative}`);
}

/** A collection's training status with its fields named as on the wire (the client renames them). */
function trainingReader(operations, id) {
  return async () => {
    const training = await operations.getTrainingStatus(id);
    return {
      status: training.status,
      createdDateTime: training.created,
      lastActionDateTime: training.lastAction,
      lastSuccessfulTrainingDateTime: training.lastSuccessfulTraining,
      message: training.message,
    };
  };
}

/** `train`, Azure's 202, then `getTrainingStatus` until the training ends in success. */
async function train(operations, id) {
  const started = await operations.train(id);
  expect(started._response.status === 202, `train answered ${started._response.status}`, started._response);
  const reads = await trainings.restart(operations, trainingReader(operations, id));
  const final = reads.at(-1);
  expect(String(final.status).toLowerCase() === "succeeded", `training ended ${final.status}`, final);
  return { statusesRead: reads.map((training) => training.status) };
}

/** The statuses read from a collection's training until it ended (see `TrainingWatches`). */
function training(operations, id) {
  return trainings.of(operations, trainingReader(operations, id));
}

await runSteps([
  {
    name: "detect",
    run: async () => {
      const detected = checkDetected(await detect(QUERY, true));
      state.queryFaceId = detected.faceId;
      return detected;
    },
  },
  {
    name: "create_large_person_group",
    run: async () => {
      await client.largePersonGroup.create(groupId, "js clients", {
        userData: "knn examples",
        recognitionModel: RECOGNITION_MODEL,
      });
      const group = await client.largePersonGroup.get(groupId, { returnRecognitionModel: true });
      expect(group.recognitionModel === RECOGNITION_MODEL, `recognitionModel ${group.recognitionModel}`);
      const { largePersonGroupId, name, recognitionModel } = group;
      return { largePersonGroupId, name, recognitionModel };
    },
  },
  {
    name: "create_persons",
    needs: ["create_large_person_group"],
    run: async () => {
      for (const name of Object.keys(PEOPLE)) {
        const person = await client.largePersonGroupPerson.create(groupId, { name });
        persons[name] = expectId(person.personId, "personId");
      }
      return persons;
    },
  },
  {
    name: "add_faces",
    needs: ["create_persons"],
    run: async () => {
      for (const [name, photos] of Object.entries(PEOPLE)) {
        faces[name] = [];
        for (const relative of photos) {
          const added = await client.largePersonGroupPerson.addFaceFromStream(groupId, persons[name], photo(relative), {
            detectionModel: DETECTION_MODEL,
          });
          faces[name].push(expectId(added.persistedFaceId, "persistedFaceId"));
        }
      }
      return faces;
    },
  },
  {
    name: "train",
    needs: ["add_faces"],
    run: () => train(client.largePersonGroup, groupId),
  },
  {
    name: "training_status",
    needs: ["add_faces"],
    run: async () => checkTraining(await training(client.largePersonGroup, groupId), API_VERSION),
  },
  {
    name: "identify",
    needs: ["detect", "add_faces"],
    run: async () => {
      await training(client.largePersonGroup, groupId);
      const results = await client.face.identify([state.queryFaceId], {
        largePersonGroupId: groupId,
        maxNumOfCandidatesReturned: 1,
      });
      return checkIdentified(results, state.queryFaceId, persons[QUERY_PERSON]);
    },
  },
  {
    name: "verify_face_to_face",
    needs: ["detect"],
    run: async () => {
      const verify = async (other) => client.face.verifyFaceToFace(state.queryFaceId, await faceIdOf(other));
      return {
        same: checkVerified(await verify(SAME_PERSON_PHOTO), true, SAME_PERSON_PHOTO),
        other: checkVerified(await verify(OTHER_PERSON_PHOTO), false, OTHER_PERSON_PHOTO),
      };
    },
  },
  {
    name: "verify_face_to_person",
    needs: ["detect", "add_faces"],
    run: async () => {
      await training(client.largePersonGroup, groupId);
      const verify = (name) =>
        client.face.verifyFaceToPerson(state.queryFaceId, persons[name], { largePersonGroupId: groupId });
      return {
        same: checkVerified(await verify(QUERY_PERSON), true, QUERY_PERSON),
        other: checkVerified(await verify(OTHER_PERSON), false, OTHER_PERSON),
      };
    },
  },
  {
    name: "large_face_list",
    run: async () => {
      await client.largeFaceList.create(listId, "js clients", { recognitionModel: RECOGNITION_MODEL });
      for (const relative of LIST_PHOTOS) {
        const added = await client.largeFaceList.addFaceFromStream(listId, photo(relative), {
          detectionModel: DETECTION_MODEL,
        });
        listFaces.push(expectId(added.persistedFaceId, "persistedFaceId"));
      }
      return listFaces;
    },
  },
  {
    name: "large_face_list_train",
    needs: ["large_face_list"],
    run: async () => {
      await train(client.largeFaceList, listId);
      return checkTraining(await training(client.largeFaceList, listId), API_VERSION);
    },
  },
  {
    name: "find_similar",
    needs: ["detect", "large_face_list"],
    run: async () => {
      await training(client.largeFaceList, listId);
      const matches = await client.face.findSimilar(state.queryFaceId, {
        largeFaceListId: listId,
        maxNumOfCandidatesReturned: LIST_PHOTOS.length,
        mode: "matchFace",
      });
      return checkSimilar(matches, listFaces[0], LIST_PHOTOS.length);
    },
  },
  {
    name: "group",
    needs: ["detect"],
    run: async () => {
      const withQuery = [state.queryFaceId];
      for (const relative of GROUP_PHOTOS.withQuery) withQuery.push(await faceIdOf(relative));
      const together = [];
      for (const relative of GROUP_PHOTOS.together) together.push(await faceIdOf(relative));
      const stranger = await faceIdOf(GROUP_PHOTOS.alone);
      const result = await client.face.group([...withQuery, ...together, stranger]);
      return checkGrouped(result, [withQuery, together], stranger);
    },
  },
  {
    name: "update_person",
    needs: ["create_persons"],
    run: async () => {
      await client.largePersonGroupPerson.update(groupId, persons[RENAMED_PERSON], { name: RENAMED });
      const person = await client.largePersonGroupPerson.get(groupId, persons[RENAMED_PERSON]);
      expect(person.name === RENAMED, `the name is still ${person.name}`);
      return { personId: person.personId, name: person.name };
    },
  },
  {
    name: "delete_face",
    needs: ["add_faces"],
    run: async () => {
      await training(client.largePersonGroup, groupId);
      const face = [groupId, persons[RENAMED_PERSON], faces[RENAMED_PERSON][1]];
      await client.largePersonGroupPerson.deleteFace(...face);
      return expectError(
        () => client.largePersonGroupPerson.getFace(...face),
        404,
        "PersistedFaceNotFound",
        "get after delete",
      );
    },
  },
  {
    name: "delete_person",
    needs: ["add_faces"],
    run: async () => {
      await training(client.largePersonGroup, groupId);
      await client.largePersonGroupPerson.deleteMethod(groupId, persons[DELETED_PERSON]);
      return expectError(
        () => client.largePersonGroupPerson.get(groupId, persons[DELETED_PERSON]),
        404,
        "PersonNotFound",
        "get after delete",
      );
    },
  },
  {
    name: "delete_large_person_group",
    needs: ["add_faces"],
    run: async () => {
      await training(client.largePersonGroup, groupId);
      await client.largePersonGroup.deleteMethod(groupId);
      return expectError(
        () => client.largePersonGroup.get(groupId),
        404,
        "LargePersonGroupNotFound",
        "get after delete",
      );
    },
  },
  {
    name: "delete_large_face_list",
    needs: ["large_face_list"],
    run: async () => {
      await training(client.largeFaceList, listId);
      await client.largeFaceList.deleteMethod(listId);
      return expectError(() => client.largeFaceList.get(listId), 404, "LargeFaceListNotFound", "get after delete");
    },
  },
  {
    name: "error_unknown_group",
    run: () =>
      expectError(
        () => client.largePersonGroup.get(uniqueId("js-none")),
        404,
        "LargePersonGroupNotFound",
        "get an unknown group",
      ),
  },
]);
