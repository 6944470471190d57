/**
 * The scenario for Microsoft's REST-level clients (`@azure-rest/ai-vision-face`), whichever
 * version is installed: every call goes through the client's `path(...)` API, training waits
 * on the client's own long-running poller, and failures are read the client's way
 * (`isUnexpected` and the typed error body); see rest_client.mjs.
 */

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
import { connect, responseChecks, summary } from "./rest_client.mjs";
import { expect, runSteps } from "./steps.mjs";

const LARGE_PERSON_GROUP = "/largepersongroups/{largePersonGroupId}";
const LARGE_FACE_LIST = "/largefacelists/{largeFaceListId}";

/**
 * Runs the story with one installed client package: `sdk` holds its `createClient`,
 * `getLongRunningPoller` and `isUnexpected`, and `defaultApiVersion` the version the package
 * calls when not told otherwise (the detect step checks the requests really go there).
 */
export async function runRestScenario(sdk, defaultApiVersion, argv) {
  const { endpoint, key, photosDir, apiVersion: requestedVersion } = commandLine(argv);
  const client = connect(sdk, endpoint, key, requestedVersion);
  const apiVersion = requestedVersion ?? defaultApiVersion;
  const photo = photoReader(photosDir);
  const groupId = uniqueId("js-lpg");
  const listId = uniqueId("js-lfl");
  const persons = {};
  const faces = {};
  const listFaces = [];
  const trainings = new TrainingWatches();
  const state = {};

  const { expectStatus, expectError, expectAccepted, pollUntilSucceeded } = responseChecks(sdk);

  async function detect(relative, landmarks) {
    const response = await client.path("/detect").post({
      contentType: "application/octet-stream",
      queryParameters: {
        detectionModel: DETECTION_MODEL,
        recognitionModel: RECOGNITION_MODEL,
        returnFaceId: true,
        returnFaceLandmarks: landmarks,
        returnRecognitionModel: true,
      },
      body: photo(relative),
    });
    const called = new URL(response.request.url).pathname;
    expect(called === `/face/${apiVersion}/detect`, `the client called ${called}`, summary(response));
    return expectStatus(response, "200", `detect ${relative}`);
  }

  async function faceIdOf(relative) {
    const [face] = await detect(relative, false);
    return expectId(face?.faceId, `faceId in ${relative}`);
  }

  async function readTraining(path, id) {
    return expectStatus(await client.path(`${path}/training`, id).get(), "200", "training status");
  }

  /** The statuses read from a collection's training until it ended (see `TrainingWatches`). */
  function training(path, id) {
    return trainings.of(path, () => readTraining(path, id));
  }

  /** Starts a training, checks Azure's 202 with `operation-Location`, and waits on the client's poller. */
  async function trainWithPoller(path, id) {
    const started = await client.path(`${path}/train`, id).post();
    const operationLocation = expectAccepted(started, "train");
    trainings.restart(path, () => readTraining(path, id));
    const final = await pollUntilSucceeded(client, started, "train");
    expect(final.body?.status === "succeeded", "the poller's last response is no succeeded training", summary(final));
    return { operationLocation, final: final.body };
  }

  async function checkedTraining(path, id) {
    return checkTraining(await training(path, id), apiVersion);
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
        const created = await client
          .path(LARGE_PERSON_GROUP, groupId)
          .put({ body: { name: "js clients", userData: "knn examples", recognitionModel: RECOGNITION_MODEL } });
        expectStatus(created, "200", "create");
        const got = await client
          .path(LARGE_PERSON_GROUP, groupId)
          .get({ queryParameters: { returnRecognitionModel: true } });
        const group = expectStatus(got, "200", "get");
        const model = group.recognitionModel;
        expect(model === RECOGNITION_MODEL, `recognitionModel ${model}`, summary(got));
        return group;
      },
    },
    {
      name: "create_persons",
      needs: ["create_large_person_group"],
      run: async () => {
        for (const name of Object.keys(PEOPLE)) {
          const response = await client
            .path("/largepersongroups/{largePersonGroupId}/persons", groupId)
            .post({ body: { name } });
          persons[name] = expectId(expectStatus(response, "200", `create ${name}`).personId, "personId");
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
            const response = await client
              .path(
                "/largepersongroups/{largePersonGroupId}/persons/{personId}/persistedfaces",
                groupId,
                persons[name],
              )
              .post({
                contentType: "application/octet-stream",
                queryParameters: { detectionModel: DETECTION_MODEL },
                body: photo(relative),
              });
            const added = expectStatus(response, "200", `add ${relative}`);
            faces[name].push(expectId(added.persistedFaceId, "persistedFaceId"));
          }
        }
        return faces;
      },
    },
    {
      name: "train",
      needs: ["add_faces"],
      run: () => trainWithPoller(LARGE_PERSON_GROUP, groupId),
    },
    {
      name: "training_status",
      needs: ["add_faces"],
      run: () => checkedTraining(LARGE_PERSON_GROUP, groupId),
    },
    {
      name: "identify",
      needs: ["detect", "add_faces"],
      run: async () => {
        await training(LARGE_PERSON_GROUP, groupId);
        const response = await client.path("/identify").post({
          body: { faceIds: [state.queryFaceId], largePersonGroupId: groupId, maxNumOfCandidatesReturned: 1 },
        });
        const results = expectStatus(response, "200", "identify");
        return checkIdentified(results, state.queryFaceId, persons[QUERY_PERSON]);
      },
    },
    {
      name: "verify_face_to_face",
      needs: ["detect"],
      run: async () => {
        const verify = async (other) => {
          const body = { faceId1: state.queryFaceId, faceId2: await faceIdOf(other) };
          return expectStatus(await client.path("/verify").post({ body }), "200", `verify with ${other}`);
        };
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
        await training(LARGE_PERSON_GROUP, groupId);
        const verify = async (name) => {
          const body = { faceId: state.queryFaceId, personId: persons[name], largePersonGroupId: groupId };
          return expectStatus(await client.path("/verify").post({ body }), "200", `verify with ${name}`);
        };
        return {
          same: checkVerified(await verify(QUERY_PERSON), true, QUERY_PERSON),
          other: checkVerified(await verify(OTHER_PERSON), false, OTHER_PERSON),
        };
      },
    },
    {
      name: "large_face_list",
      run: async () => {
        const created = await client
          .path(LARGE_FACE_LIST, listId)
          .put({ body: { name: "js clients", recognitionModel: RECOGNITION_MODEL } });
        expectStatus(created, "200", "create");
        for (const relative of LIST_PHOTOS) {
          const response = await client.path("/largefacelists/{largeFaceListId}/persistedfaces", listId).post({
            contentType: "application/octet-stream",
            queryParameters: { detectionModel: DETECTION_MODEL },
            body: photo(relative),
          });
          listFaces.push(expectId(expectStatus(response, "200", `add ${relative}`).persistedFaceId, "persistedFaceId"));
        }
        return listFaces;
      },
    },
    {
      name: "large_face_list_train",
      needs: ["large_face_list"],
      run: async () => {
        const trained = await trainWithPoller(LARGE_FACE_LIST, listId);
        return { ...trained, ...(await checkedTraining(LARGE_FACE_LIST, listId)) };
      },
    },
    {
      name: "find_similar",
      needs: ["detect", "large_face_list"],
      run: async () => {
        await training(LARGE_FACE_LIST, listId);
        const response = await client.path("/findsimilars").post({
          body: {
            faceId: state.queryFaceId,
            largeFaceListId: listId,
            maxNumOfCandidatesReturned: LIST_PHOTOS.length,
            mode: "matchFace",
          },
        });
        return checkSimilar(expectStatus(response, "200", "findsimilars"), listFaces[0], LIST_PHOTOS.length);
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
        const response = await client.path("/group").post({ body: { faceIds: [...withQuery, ...together, stranger] } });
        return checkGrouped(expectStatus(response, "200", "group"), [withQuery, together], stranger);
      },
    },
    {
      name: "update_person",
      needs: ["create_persons"],
      run: async () => {
        const person = client.path(
          "/largepersongroups/{largePersonGroupId}/persons/{personId}",
          groupId,
          persons[RENAMED_PERSON],
        );
        expectStatus(await person.patch({ body: { name: RENAMED } }), "200", "update");
        const got = await person.get();
        expect(expectStatus(got, "200", "get").name === RENAMED, "the name did not change", summary(got));
        return got.body;
      },
    },
    {
      name: "delete_face",
      needs: ["add_faces"],
      run: async () => {
        await training(LARGE_PERSON_GROUP, groupId);
        const face = client.path(
          "/largepersongroups/{largePersonGroupId}/persons/{personId}/persistedfaces/{persistedFaceId}",
          groupId,
          persons[RENAMED_PERSON],
          faces[RENAMED_PERSON][1],
        );
        expectStatus(await face.delete(), "200", "delete");
        return expectError(await face.get(), "404", "PersistedFaceNotFound", "get after delete");
      },
    },
    {
      name: "delete_person",
      needs: ["add_faces"],
      run: async () => {
        await training(LARGE_PERSON_GROUP, groupId);
        const person = client.path(
          "/largepersongroups/{largePersonGroupId}/persons/{personId}",
          groupId,
          persons[DELETED_PERSON],
        );
        expectStatus(await person.delete(), "200", "delete");
        return expectError(await person.get(), "404", "PersonNotFound", "get after delete");
      },
    },
    {
      name: "delete_large_person_group",
      needs: ["add_faces"],
      run: async () => {
        await training(LARGE_PERSON_GROUP, groupId);
        const group = client.path(LARGE_PERSON_GROUP, groupId);
        expectStatus(await group.delete(), "200", "delete");
        return expectError(await group.get(), "404", "LargePersonGroupNotFound", "get after delete");
      },
    },
    {
      name: "delete_large_face_list",
      needs: ["large_face_list"],
      run: async () => {
        await training(LARGE_FACE_LIST, listId);
        const list = client.path(LARGE_FACE_LIST, listId);
        expectStatus(await list.delete(), "200", "delete");
        return expectError(await list.get(), "404", "LargeFaceListNotFound", "get after delete");
      },
    },
    {
      name: "error_unknown_group",
      run: async () => {
        const response = await client.path("/largepersongroups/{largePersonGroupId}", uniqueId("js-none")).get();
        return expectError(response, "404", "LargePersonGroupNotFound", "get an unknown group");
      },
    },
  ]);
}
