// Identify a photo's faces in a person group, the whole PersonDirectory or a dynamic group, each boxed
// with its best candidates; verify two photos, or a photo against a directory person.

import { call, detect, directoryCall, KINDS, listAll, listCollections } from "./api.js";
import { listDirectoryPersons, listDynamicGroups } from "./directory.js";
import { drawFaces, loadImage } from "./draw.js";
import { $, confidenceBar, el, guarded, photoInput, showError } from "./ui.js";

const IDENTIFY_BATCH = 10;
const PERSON_KINDS = ["largepersongroups", "persongroups"];
const WHOLE_DIRECTORY = "directory/*";

let photo = null;
const verifyPhotos = [null, null];

// The directory's targets: the whole directory and each dynamic group; and its persons, for Verify.
async function directoryTargets() {
  const [persons, groups] = await Promise.all([listDirectoryPersons(), listDynamicGroups()]);
  const targets = el(
    "optgroup",
    { label: "Person directory" },
    el("option", { value: WHOLE_DIRECTORY, textContent: "Whole directory" }),
    ...groups.map((group) => el("option", { value: `dynamicpersongroups/${group.dynamicPersonGroupId}`, textContent: `${group.name} (dynamic group)` })),
  );
  const people = el("optgroup", { label: "Person directory" }, ...persons.map((person) => el("option", { value: person.personId, textContent: person.name })));
  return { targets, people };
}

export async function refreshTargets() {
  const select = $("identify-target");
  const groups = await Promise.all(
    PERSON_KINDS.map(async (kind) => {
      const items = await listCollections(kind);
      const options = items.map((item) => {
        const id = item[KINDS[kind].idField];
        return el("option", { value: `${kind}/${id}`, textContent: `${item.name} (${id})`, "data-model": item.recognitionModel || "recognition_01" });
      });
      return el("optgroup", { label: KINDS[kind].label }, ...options);
    }),
  );
  let directory = { targets: null, people: null };
  try {
    directory = await directoryTargets();
  } catch (error) {
    showError(error); // the person groups stay usable without the directory
  }
  // What is chosen now, read after the lists arrive, so a choice made meanwhile is kept.
  const chosen = select.value;
  const against = $("verify-against").value;
  select.replaceChildren(...groups, ...[directory.targets].filter(Boolean));
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
  $("verify-against").replaceChildren(el("option", { value: "", textContent: "the second photo" }), ...[directory.people].filter(Boolean));
  if ([...$("verify-against").options].some((option) => option.value === against)) $("verify-against").value = against;
  showTargetKind();
}

// A directory keeps faces per recognition model, so identifying in it takes the model to detect with; a
// person group has one model, its own.
function showTargetKind() {
  const value = $("identify-target").value;
  $("identify-model").hidden = !(value === WHOLE_DIRECTORY || value.startsWith("dynamicpersongroups/"));
  $("verify-second").hidden = Boolean($("verify-against").value);
}

// The identify call's scope, the recognition model to detect with and the persons' names, for the target.
async function identifyTarget(option) {
  const [kind, id] = option.value.split("/");
  if (kind === "directory" || kind === "dynamicpersongroups") {
    const scope = kind === "directory" ? { personIds: ["*"] } : { dynamicPersonGroupId: id };
    const persons = await listDirectoryPersons();
    return { scope, recognitionModel: $("identify-recognition").value, persons, send: directoryCall };
  }
  const persons = await listAll(`/${kind}/${id}/persons`, "personId");
  return { scope: { [KINDS[kind].idField]: id }, recognitionModel: option.dataset.model, persons, send: call };
}

async function identify() {
  if (!photo) throw new Error("Choose a photo first.");
  const option = $("identify-target").selectedOptions[0];
  if (!option) throw new Error("Create and train a person group first.");
  const { scope, recognitionModel, persons, send } = await identifyTarget(option);
  const faces = await detect(photo, { detectionModel: $("identify-detection").value, recognitionModel });
  const names = new Map(persons.map((person) => [person.personId, person.name]));
  const count = Number($("identify-count").value) || 1;
  const results = new Map();
  for (let start = 0; start < faces.length; start += IDENTIFY_BATCH) {
    const faceIds = faces.slice(start, start + IDENTIFY_BATCH).map((face) => face.faceId);
    const answers = await send("POST", "/identify", { json: { faceIds, ...scope, maxNumOfCandidatesReturned: count } });
    for (const answer of answers) results.set(answer.faceId, answer.candidates);
  }
  const candidates = faces.map((face) => (results.get(face.faceId) || []).map((c) => ({ ...c, name: names.get(c.personId) || c.personId })));
  const labels = candidates.map((found, index) => `${index + 1}. ${found.length ? found[0].name : "unknown"}`);
  drawFaces($("identify-canvas"), await loadImage(photo), faces, labels);
  $("identify-faces").replaceChildren(
    ...faces.map((face, index) =>
      el(
        "li",
        { className: "face", "data-best": candidates[index][0]?.name ?? "" },
        el("strong", { textContent: `Face ${index + 1}` }),
        candidates[index].length
          ? el("ol", { className: "candidates" }, ...candidates[index].map((c) => el("li", { className: "candidate" }, el("span", { className: "name", textContent: c.name }), confidenceBar(c.confidence), el("span", { className: "number", textContent: c.confidence.toFixed(3) }))))
          : el("p", { className: "hint", textContent: "No candidate: an unknown person." }),
      ),
    ),
  );
  if (!faces.length) $("identify-faces").replaceChildren(el("li", { className: "hint", textContent: "No face detected." }));
}

// Verify the first photo's face against the second photo's, or against a directory person's faces.
async function verify() {
  const personId = $("verify-against").value;
  const photos = personId ? verifyPhotos.slice(0, 1) : verifyPhotos;
  if (!photos.every(Boolean)) throw new Error(personId ? "Choose the first photo." : "Choose both photos first.");
  const recognitionModel = $("verify-recognition").value;
  const detected = await Promise.all(photos.map((file) => detect(file, { detectionModel: "detection_03", recognitionModel })));
  await Promise.all(
    detected.map(async (faces, index) => drawFaces($(`verify-canvas-${index + 1}`), await loadImage(photos[index]), faces.slice(0, 1))),
  );
  detected.forEach((faces, index) => {
    if (!faces.length) throw new Error(`No face detected in the ${index ? "second" : "first"} photo.`);
  });
  const result = personId
    ? await directoryCall("POST", "/verify", { json: { faceId: detected[0][0].faceId, personId } })
    : await call("POST", "/verify", { json: { faceId1: detected[0][0].faceId, faceId2: detected[1][0].faceId } });
  const against = personId ? $("verify-against").selectedOptions[0].textContent : null;
  $("verify-result").hidden = false;
  $("verify-result").dataset.identical = String(result.isIdentical);
  $("verify-bar").style.width = `${Math.round(result.confidence * 100)}%`;
  const decision = result.isIdentical ? "Same person" : "Different people";
  $("verify-decision").textContent = against ? `${decision} (${against})` : decision;
  $("verify-confidence").textContent = result.confidence.toFixed(3);
}

export function setUpIdentify() {
  photoInput($("identify-file"), $("identify-drop"), (file) => {
    photo = file;
    guarded($("identify-run"), identify);
  });
  $("identify-run").addEventListener("click", () => guarded($("identify-run"), identify));
  [1, 2].forEach((number) =>
    photoInput($(`verify-file-${number}`), $(`verify-canvas-${number}`), (file) => {
      verifyPhotos[number - 1] = file;
      $("verify-result").hidden = true;
      guarded(null, async () => drawFaces($(`verify-canvas-${number}`), await loadImage(file), []));
    }),
  );
  $("verify-run").addEventListener("click", () => guarded($("verify-run"), verify));
  $("identify-target").addEventListener("change", showTargetKind);
  $("verify-against").addEventListener("change", () => {
    $("verify-result").hidden = true;
    showTargetKind();
  });
  showTargetKind();
}
