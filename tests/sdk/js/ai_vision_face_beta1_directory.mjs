/**
 * `@azure-rest/ai-vision-face` 1.0.0-beta.1 (installed as `ai-vision-face-beta1`), unchanged, against
 * the service's PersonDirectory and DynamicPersonGroups (v1.1-preview.1, the client's default):
 * `node ai_vision_face_beta1_directory.mjs <endpoint> <key> <knn examples folder> [photos URL]`.
 *
 * Persons are enrolled from the knn training photos (the first of each person's photos as a
 * stream, the second by URL when a photos URL is given: the knn folder served over http), query
 * faces come from the knn test photos, and every 202 is waited on with the client's own
 * `getLongRunningPoller`. Only the client's public API is used: `path(...)` calls, `isUnexpected`
 * and `getLongRunningPoller`.
 *
 * The directory is one per resource and other tests may have enrolled the same people, so
 * identification is judged on the candidates this run enrolled: the best of them must be the
 * person in the photo, and nobody outside the searched scope may come back.
 */

import createClient, { getLongRunningPoller, isUnexpected } from "ai-vision-face-beta1";

import { connect, responseChecks, summary } from "./rest_client.mjs";
import { RECOGNITION_MODEL, checkVerified, commandLine, expectId, photoReader, uniqueId } from "./scenario.mjs";
import { expect, runSteps } from "./steps.mjs";

const sdk = { createClient, getLongRunningPoller, isUnexpected };
const API_VERSION = "v1.1-preview.1";

/** The people enrolled, with their training photos (each shows one face): [stream photo, URL photo]. */
const PEOPLE = {
  obama: ["train/obama/obama.jpg", "train/obama/obama2.jpg"],
  biden: ["train/biden/biden.jpg", "train/biden/biden2.jpg"],
  kit_harington: ["train/kit_harington/john1.jpeg", "train/kit_harington/john2.jpeg"],
  rose_leslie: ["train/rose_leslie/img1.jpg", "train/rose_leslie/img2.jpg"],
  alex_lacamoire: ["train/alex_lacamoire/img1.jpg"],
};

/** The knn test photos and who of the enrolled people is in each (a photo may show others too). */
const QUERIES = {
  "test/obama1.jpg": ["obama"],
  "test/johnsnow_test1.jpg": ["kit_harington"],
  "test/alex_lacamoire1.jpg": ["alex_lacamoire"],
  "test/obama_and_biden.jpg": ["biden", "obama"],
  "test/kit_with_rose.jpg": ["kit_harington", "rose_leslie"],
};

/** The DynamicPersonGroup: created with the first three, then `ADDED` joins and `REMOVED` leaves. */
const GROUP_FIRST_MEMBERS = ["obama", "biden", "kit_harington"];
const ADDED = "rose_leslie";
const REMOVED = "kit_harington";
const GROUP_MEMBERS = ["biden", "obama", "rose_leslie"];

/** Renamed and given userData by the update steps. */
const RENAMED_PERSON = "obama";
/** Loses its only face (so Identify can no longer find the person). */
const FACE_DELETED_PERSON = "alex_lacamoire";
/** Deleted while a member of the group. */
const DELETED_PERSON = "rose_leslie";

const FACE_USER_DATA = "updated face";
/** Page sizes: small for this run's group (so its members take two pages), larger for whole-resource lists. */
const SMALL_PAGE = 2;
const LARGE_PAGE = 100;

const { endpoint, key, photosDir, photosUrl } = commandLine(process.argv, "photosUrl");
const client = connect(sdk, endpoint, key);
const photo = photoReader(photosDir);
const { expectStatus, expectError, pollToSuccess } = responseChecks(sdk);
const run = uniqueId("js-pd");
const groupId = uniqueId("js-dpg");
const persons = {};
const names = {};
const faces = {};
const queryFaces = {};
const state = {};

const person = (name) => client.path("/persons/{personId}", persons[name]);
const personFaces = (name, model = RECOGNITION_MODEL) =>
  client.path("/persons/{personId}/recognitionModels/{recognitionModel}/persistedfaces", persons[name], model);
const personFace = (name, faceId) =>
  client.path(
    "/persons/{personId}/recognitionModels/{recognitionModel}/persistedfaces/{persistedFaceId}",
    persons[name],
    RECOGNITION_MODEL,
    faceId,
  );
const group = () => client.path("/dynamicpersongroups/{dynamicPersonGroupId}", groupId);
const sorted = (values) => [...values].sort();
const same = (left, right) => JSON.stringify(sorted(left)) === JSON.stringify(sorted(right));

/** The `GET /operations/{operationId}` an operation-Location names, read through the client. */
async function readOperation(operationLocation) {
  const operationId = new URL(operationLocation).pathname.split("/").at(-1);
  const response = await client.path("/operations/{operationId}", operationId).get();
  const operation = expectStatus(response, "200", `operation ${operationId}`);
  expect(operation.operationId === operationId, `operationId ${operation.operationId}`, summary(response));
  expect(operation.status === "succeeded" && operation.createdTime, "no succeeded OperationResult", summary(response));
  return operation;
}

/** The rectangle of the one face of a photo, as `targetFace` (the client's array of numbers). */
async function targetFace(relative) {
  const response = await client.path("/detect").post({
    contentType: "application/octet-stream",
    queryParameters: { returnFaceId: false },
    body: photo(relative),
  });
  const [face] = expectStatus(response, "200", `detect ${relative}`);
  expect(face, `no face in ${relative}`, summary(response));
  const { left, top, width, height } = face.faceRectangle;
  return [left, top, width, height];
}

/**
 * Adds one photo to `name` as a stream or from its URL, naming its face with `targetFace`, and
 * waits for the add to succeed.
 */
async function addFace(name, relative, fromUrl) {
  const queryParameters = {
    detectionModel: "detection_01",
    userData: relative,
    targetFace: await targetFace(relative),
  };
  const request = fromUrl
    ? { contentType: "application/json", queryParameters, body: { url: new URL(relative, photosUrl).href } }
    : { contentType: "application/octet-stream", queryParameters, body: photo(relative) };
  const started = await personFaces(name).post(request);
  const faceId = expectId(expectStatus(started, "202", `add ${relative}`).persistedFaceId, "persistedFaceId");
  const { final } = await pollToSuccess(client, started, `add ${relative}`);
  expect(final.body?.persistedFaceId === faceId, "the poller's last read is not the added face", summary(final));
  (faces[name] ??= []).push(faceId);
  return { persistedFaceId: faceId, userData: final.body.userData };
}

/**
 * Every id a paged list answers, read `top` at a time, each page starting after the last id;
 * the ids must come in increasing order, each once.
 */
async function readPaged(path, params, field, idOf, top) {
  const ids = [];
  for (;;) {
    const queryParameters = { top, ...(ids.length > 0 ? { start: ids.at(-1) } : {}) };
    const response = await client.path(path, ...params).get({ queryParameters });
    const body = expectStatus(response, "200", `list ${path}`);
    const page = (field ? body[field] : body).map(idOf);
    expect(page.length <= top, `a page of ${page.length} with top=${top}`, summary(response));
    ids.push(...page);
    if (page.length < top) {
      const ordered = ids.every((id, index) => index === 0 || ids[index - 1] < id);
      expect(ordered, `${path}: ids repeat or are out of order: ${ids}`);
      return ids;
    }
  }
}

async function detectQueries() {
  for (const relative of Object.keys(QUERIES)) {
    const response = await client.path("/detect").post({
      contentType: "application/octet-stream",
      queryParameters: { returnFaceId: true, recognitionModel: RECOGNITION_MODEL, returnRecognitionModel: true },
      body: photo(relative),
    });
    const detected = expectStatus(response, "200", `detect ${relative}`);
    const expected = QUERIES[relative].length;
    const found = `${relative}: ${detected.length} faces, expected ${expected}`;
    expect(detected.length >= expected, found, summary(response));
    const models = detected.map((face) => face.recognitionModel);
    expect(models.every((model) => model === RECOGNITION_MODEL), `recognitionModel ${models}`, summary(response));
    queryFaces[relative] = detected.map((face) => expectId(face.faceId, "faceId"));
  }
  return queryFaces;
}

/**
 * Identifies the faces of `photos` within `scope` (the body's `personIds` or `dynamicPersonGroupId`,
 * and any other body fields): answers, per photo, the names (read back with Get Person) of the
 * best candidate of this run for each face, and checks every candidate is a person of `allowed`
 * (ids) when given.
 */
async function identify(photos, scope, allowed) {
  const faceIds = photos.flatMap((relative) => queryFaces[relative]);
  const response = await client.path("/identify").post({ body: { faceIds, ...scope } });
  const results = expectStatus(response, "200", `identify ${JSON.stringify(scope)}`);
  expect(same(results.map((result) => result.faceId), faceIds), "identify answered other faces", summary(response));
  const ours = new Map(Object.entries(persons).map(([name, personId]) => [personId, name]));
  const best = new Map();
  const most = scope.maxNumOfCandidatesReturned ?? 10;
  for (const { faceId, candidates } of results) {
    expect(candidates.length <= most, `${candidates.length} candidates, at most ${most} asked for`, summary(response));
    const outside = candidates.filter((candidate) => allowed && !allowed.includes(candidate.personId));
    expect(outside.length === 0, `candidates outside the scope: ${JSON.stringify(outside)}`, summary(response));
    const first = candidates.find((candidate) => ours.has(candidate.personId));
    if (first) {
      const got = await client.path("/persons/{personId}", first.personId).get();
      best.set(faceId, expectStatus(got, "200", "get the identified person").name);
    }
  }
  const namesIn = (relative) => queryFaces[relative].filter((id) => best.has(id)).map((id) => best.get(id));
  return Object.fromEntries(photos.map((relative) => [relative, sorted(namesIn(relative))]));
}

/** Each photo of `expected` identified as exactly the people named (as enrolled, `names`). */
function checkNames(identified, expected) {
  for (const [relative, people] of Object.entries(expected)) {
    const wanted = sorted(people.map((name) => names[name]));
    const got = identified[relative];
    expect(JSON.stringify(got) === JSON.stringify(wanted), `${relative}: ${JSON.stringify(got)}, expected ${wanted}`);
  }
  return identified;
}

/** No face of `photos` has `name` among its candidates in `scope`. */
async function checkNotIdentified(photos, scope, name) {
  const faceIds = photos.flatMap((relative) => queryFaces[relative]);
  const response = await client.path("/identify").post({ body: { faceIds, ...scope } });
  const results = expectStatus(response, "200", "identify");
  const found = results.filter((result) => result.candidates.some((candidate) => candidate.personId === persons[name]));
  expect(found.length === 0, `${name} is still identified in ${JSON.stringify(scope)}`, summary(response));
  return { faces: faceIds.length, candidates: results.map((result) => result.candidates.length) };
}

async function groupMembers() {
  const path = "/dynamicpersongroups/{dynamicPersonGroupId}/persons";
  return readPaged(path, [groupId], "personIds", (id) => id, SMALL_PAGE);
}

async function groupReferences(name) {
  const path = "/persons/{personId}/dynamicPersonGroupReferences";
  return readPaged(path, [persons[name]], "dynamicPersonGroupIds", (id) => id, SMALL_PAGE);
}

await runSteps([
  {
    name: "create_persons",
    run: async () => {
      for (const name of Object.keys(PEOPLE)) {
        names[name] = `${name} ${run}`;
        const started = await client.path("/persons").post({ body: { name: names[name], userData: run } });
        persons[name] = expectId(expectStatus(started, "202", `create ${name}`).personId, "personId");
        const { operationLocation, final } = await pollToSuccess(client, started, `create ${name}`);
        expect(final.body?.personId === persons[name], "the poller's last read is not the person", summary(final));
        expect(final.body.name === names[name], `the created person is named ${final.body.name}`, summary(final));
        state.operation ??= await readOperation(operationLocation);
      }
      return { persons, operation: state.operation };
    },
  },
  {
    name: "add_faces_from_stream",
    needs: ["create_persons"],
    run: async () => {
      const added = {};
      for (const [name, [relative]] of Object.entries(PEOPLE)) added[relative] = await addFace(name, relative, false);
      return added;
    },
  },
  {
    name: "add_faces_from_url",
    needs: ["create_persons"],
    run: async () => {
      expect(photosUrl, "no photos URL was given");
      const added = {};
      for (const [name, [, relative]] of Object.entries(PEOPLE)) {
        if (relative) added[relative] = await addFace(name, relative, true);
      }
      return added;
    },
  },
  {
    name: "add_face_refusals",
    needs: ["create_persons"],
    run: async () => {
      const stream = (relative) => ({ contentType: "application/octet-stream", body: photo(relative) });
      const twoFaces = await personFaces("obama").post(stream("test/obama_and_biden.jpg"));
      const missing = photosUrl && new URL("train/nobody/none.jpg", photosUrl).href;
      const byUrl = await personFaces("obama").post({ contentType: "application/json", body: { url: missing } });
      const oldModel = await personFaces("obama", "recognition_01").post(stream(PEOPLE.obama[0]));
      return {
        twoFaces: expectError(twoFaces, "400", "InvalidImage", "a photo of two faces without targetFace"),
        missingUrl: expectError(byUrl, "400", "InvalidURL", "a URL that answers 404"),
        recognition01: expectError(oldModel, "400", "BadArgument", "recognition_01, which the directory lacks"),
      };
    },
  },
  {
    name: "without_user_data",
    run: async () => {
      // The contract types userData as a string and the client's output models as `userData?: string`:
      // a value never set is left out, not sent as null.
      const unset = (body) => !Object.hasOwn(body ?? {}, "userData");
      const started = await client.path("/persons").post({ body: { name: `no data ${run}` } });
      const personId = expectId(expectStatus(started, "202", "create").personId, "personId");
      const created = (await pollToSuccess(client, started, "create")).final;
      const facesOf = "/persons/{personId}/recognitionModels/{recognitionModel}/persistedfaces";
      const added = await client.path(facesOf, personId, RECOGNITION_MODEL).post({
        contentType: "application/octet-stream",
        body: photo(PEOPLE.biden[0]),
      });
      const face = (await pollToSuccess(client, added, "add a face")).final;
      const plainGroup = client.path("/dynamicpersongroups/{dynamicPersonGroupId}", `${groupId}-plain`);
      expectStatus(await plainGroup.put({ body: { name: "no data" } }), "200", "create a group without persons");
      const got = await plainGroup.get();
      const answers = { person: created, face, group: got };
      try {
        for (const [what, response] of Object.entries(answers)) {
          const answered = `the ${what} without userData answers ${JSON.stringify(response.body)}`;
          expect(unset(response.body), answered, summary(response));
        }
      } finally {
        await pollToSuccess(client, await plainGroup.delete(), "delete the group");
        await pollToSuccess(client, await client.path("/persons/{personId}", personId).delete(), "delete the person");
      }
      return Object.fromEntries(Object.entries(answers).map(([what, response]) => [what, response.body]));
    },
  },
  {
    name: "list_persons",
    needs: ["create_persons"],
    run: async () => {
      const listed = await readPaged("/persons", [], undefined, (entry) => entry.personId, LARGE_PAGE);
      const missing = Object.values(persons).filter((personId) => !listed.includes(personId));
      expect(missing.length === 0, `persons not listed: ${missing}`);
      return { listed: listed.length };
    },
  },
  {
    name: "get_and_update_person",
    needs: ["create_persons"],
    run: async () => {
      const before = expectStatus(await person(RENAMED_PERSON).get(), "200", "get");
      expect(before.name === names[RENAMED_PERSON] && before.userData === run, `got ${JSON.stringify(before)}`);
      names[RENAMED_PERSON] = `Barack Obama ${run}`;
      const update = { name: names[RENAMED_PERSON], userData: `${run} renamed` };
      expectStatus(await person(RENAMED_PERSON).patch({ body: update }), "200", "update");
      const got = await person(RENAMED_PERSON).get();
      const after = expectStatus(got, "200", "get after update");
      const stuck = after.name === update.name && after.userData === update.userData;
      expect(stuck, "the update did not stick", summary(got));
      return { before, after };
    },
  },
  {
    name: "list_get_and_update_faces",
    needs: ["add_faces_from_stream"],
    run: async () => {
      for (const name of Object.keys(PEOPLE)) {
        const got = await personFaces(name).get();
        const listed = expectStatus(got, "200", `faces of ${name}`);
        const right = listed.personId === persons[name] && same(listed.persistedFaceIds, faces[name]);
        expect(right, `the faces of ${name} are not the ones added`, summary(got));
      }
      const [faceId] = faces[RENAMED_PERSON];
      const face = personFace(RENAMED_PERSON, faceId);
      const before = expectStatus(await face.get(), "200", "get face");
      expect(before.userData === PEOPLE[RENAMED_PERSON][0], `face userData ${before.userData}`);
      expectStatus(await face.patch({ body: { userData: FACE_USER_DATA } }), "200", "update face");
      const after = expectStatus(await face.get(), "200", "get face after update");
      expect(after.persistedFaceId === faceId && after.userData === FACE_USER_DATA, `got ${JSON.stringify(after)}`);
      return { before, after };
    },
  },
  {
    name: "create_dynamic_group",
    needs: ["create_persons"],
    run: async () => {
      const addPersonIds = GROUP_FIRST_MEMBERS.map((name) => persons[name]);
      const started = await group().put({ body: { name: "js directory", userData: run, addPersonIds } });
      const { final } = await pollToSuccess(client, started, "create the group");
      const created = final.body;
      const named = created?.dynamicPersonGroupId === groupId && created.name === "js directory";
      expect(named, "the poller's last read is not the group", summary(final));
      const members = await groupMembers();
      expect(same(members, addPersonIds), `members ${members}`);
      return { final: created, members: members.length };
    },
  },
  {
    name: "get_and_list_dynamic_groups",
    needs: ["create_dynamic_group"],
    run: async () => {
      const got = expectStatus(await group().get(), "200", "get the group");
      expect(got.dynamicPersonGroupId === groupId && got.userData === run, `got ${JSON.stringify(got)}`);
      const idOf = (entry) => entry.dynamicPersonGroupId;
      const listed = await readPaged("/dynamicpersongroups", [], undefined, idOf, LARGE_PAGE);
      expect(listed.includes(groupId), `${groupId} not among ${listed.length} listed groups`);
      return { got, listed: listed.length };
    },
  },
  {
    name: "update_dynamic_group",
    needs: ["create_dynamic_group"],
    run: async () => {
      const renamed = await group().patch({ body: { name: "js directory renamed" } });
      expectStatus(renamed, "200", "rename the group (no person changes: no long-running operation)");
      const body = { addPersonIds: [persons[ADDED]], removePersonIds: [persons[REMOVED]] };
      const { final } = await pollToSuccess(client, await group().patch({ body }), "update the group");
      const members = await groupMembers();
      const wanted = GROUP_MEMBERS.map((name) => persons[name]);
      expect(same(members, wanted), `members ${members}, expected ${GROUP_MEMBERS}`);
      const renamedRead = final.body?.name === "js directory renamed";
      expect(renamedRead, "the poller's last read is not the renamed group", summary(final));
      return { final: final.body, members: members.length };
    },
  },
  {
    name: "dynamic_group_references",
    needs: ["update_dynamic_group"],
    run: async () => {
      const references = {};
      for (const name of Object.keys(PEOPLE)) {
        references[name] = await groupReferences(name);
        const member = GROUP_MEMBERS.includes(name);
        expect(references[name].includes(groupId) === member, `${name}'s references ${references[name]}`);
      }
      return references;
    },
  },
  {
    name: "detect_queries",
    run: detectQueries,
  },
  {
    name: "identify_whole_directory",
    needs: ["detect_queries", "add_faces_from_stream"],
    run: async () => checkNames(await identify(Object.keys(QUERIES), { personIds: ["*"] }), QUERIES),
  },
  {
    name: "identify_person_ids",
    needs: ["detect_queries", "add_faces_from_stream"],
    run: async () => {
      const scope = ["obama", "biden"].map((name) => persons[name]);
      const photos = ["test/obama1.jpg", "test/obama_and_biden.jpg", "test/johnsnow_test1.jpg"];
      const identified = await identify(photos, { personIds: scope, maxNumOfCandidatesReturned: 1 }, scope);
      return checkNames(identified, { ...pick(QUERIES, photos), "test/johnsnow_test1.jpg": [] });
    },
  },
  {
    name: "identify_dynamic_group",
    needs: ["detect_queries", "add_faces_from_stream", "update_dynamic_group"],
    run: async () => {
      const members = GROUP_MEMBERS.map((name) => persons[name]);
      const photos = ["test/obama1.jpg", "test/kit_with_rose.jpg"];
      const identified = await identify(photos, { dynamicPersonGroupId: groupId }, members);
      return checkNames(identified, { "test/obama1.jpg": ["obama"], "test/kit_with_rose.jpg": [ADDED] });
    },
  },
  {
    name: "verify",
    needs: ["detect_queries", "add_faces_from_stream"],
    run: async () => {
      const [faceId] = queryFaces["test/obama1.jpg"];
      const verify = async (name) => {
        const response = await client.path("/verify").post({ body: { faceId, personId: persons[name] } });
        return expectStatus(response, "200", `verify with ${name}`);
      };
      return {
        same: checkVerified(await verify("obama"), true, "obama"),
        other: checkVerified(await verify("biden"), false, "biden"),
      };
    },
  },
  {
    name: "delete_face",
    needs: ["add_faces_from_stream", "detect_queries"],
    run: async () => {
      const [faceId] = faces[FACE_DELETED_PERSON];
      const { final } = await pollToSuccess(client, await personFace(FACE_DELETED_PERSON, faceId).delete(), "delete");
      const afterDelete = await personFace(FACE_DELETED_PERSON, faceId).get();
      const gone = expectError(afterDelete, "404", "PersistedFaceNotFound", "get after delete");
      const listed = expectStatus(await personFaces(FACE_DELETED_PERSON).get(), "200", "faces after delete");
      expect(listed.persistedFaceIds.length === 0, `faces left: ${listed.persistedFaceIds}`);
      const photos = ["test/alex_lacamoire1.jpg"];
      const identify = await checkNotIdentified(photos, { personIds: ["*"] }, FACE_DELETED_PERSON);
      return { final: final.body, gone, identify };
    },
  },
  {
    name: "delete_person",
    needs: ["add_faces_from_stream", "detect_queries", "update_dynamic_group"],
    run: async () => {
      const { final } = await pollToSuccess(client, await person(DELETED_PERSON).delete(), "delete");
      const gone = expectError(await person(DELETED_PERSON).get(), "404", "PersonNotFound", "get after delete");
      const [faceId] = queryFaces["test/obama1.jpg"];
      const verified = await client.path("/verify").post({ body: { faceId, personId: persons[DELETED_PERSON] } });
      const code = sdk.isUnexpected(verified) ? verified.body.error.code : undefined;
      const refused = ["400", "404"].includes(verified.status) && code === "PersonNotFound";
      expect(refused, "verify against the deleted person: expected PersonNotFound (400 or 404)", summary(verified));
      const photos = ["test/kit_with_rose.jpg"];
      return {
        final: final.body,
        gone,
        verify: { status: verified.status, code },
        wholeDirectory: await checkNotIdentified(photos, { personIds: ["*"] }, DELETED_PERSON),
        dynamicGroup: await checkNotIdentified(photos, { dynamicPersonGroupId: groupId }, DELETED_PERSON),
      };
    },
  },
  {
    name: "delete_dynamic_group",
    needs: ["create_dynamic_group", "detect_queries"],
    run: async () => {
      const { final } = await pollToSuccess(client, await group().delete(), "delete the group");
      const gone = expectError(await group().get(), "404", "DynamicPersonGroupNotFound", "get after delete");
      const references = await groupReferences("obama");
      expect(!references.includes(groupId), `obama still references ${groupId}`);
      const faceIds = queryFaces["test/obama1.jpg"] ?? [];
      const identified = await client.path("/identify").post({ body: { faceIds, dynamicPersonGroupId: groupId } });
      const identify = expectError(identified, "400", "DynamicPersonGroupNotFound", "identify in the deleted group");
      return { final: final.body, gone, identify };
    },
  },
  {
    name: "delete_persons",
    needs: ["create_persons"],
    run: async () => {
      const left = Object.keys(PEOPLE).filter((name) => name !== DELETED_PERSON);
      for (const name of left) await pollToSuccess(client, await person(name).delete(), `delete ${name}`);
      return { deleted: left };
    },
  },
]);

function pick(object, keys) {
  return Object.fromEntries(keys.map((key) => [key, object[key]]));
}
