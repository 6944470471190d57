// Identify a photo's faces in a person group, each boxed with its best candidates; verify two photos.

import { call, detect, KINDS, listAll, listCollections } from "./api.js";
import { drawFaces, loadImage } from "./draw.js";
import { $, confidenceBar, el, guarded, photoInput } from "./ui.js";

const IDENTIFY_BATCH = 10;
const PERSON_KINDS = ["largepersongroups", "persongroups"];

let photo = null;
const verifyPhotos = [null, null];

export async function refreshTargets() {
  const select = $("identify-target");
  const chosen = select.value;
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
  select.replaceChildren(...groups);
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
}

async function identify() {
  if (!photo) throw new Error("Choose a photo first.");
  const option = $("identify-target").selectedOptions[0];
  if (!option) throw new Error("Create and train a person group first.");
  const [kind, id] = option.value.split("/");
  const faces = await detect(photo, { detectionModel: $("identify-detection").value, recognitionModel: option.dataset.model });
  const names = new Map((await listAll(`/${kind}/${id}/persons`, "personId")).map((person) => [person.personId, person.name]));
  const count = Number($("identify-count").value) || 1;
  const results = new Map();
  for (let start = 0; start < faces.length; start += IDENTIFY_BATCH) {
    const faceIds = faces.slice(start, start + IDENTIFY_BATCH).map((face) => face.faceId);
    const answers = await call("POST", "/identify", { json: { faceIds, [KINDS[kind].idField]: id, maxNumOfCandidatesReturned: count } });
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

async function verify() {
  if (!verifyPhotos[0] || !verifyPhotos[1]) throw new Error("Choose both photos first.");
  const recognitionModel = $("verify-recognition").value;
  const detected = await Promise.all(verifyPhotos.map((file) => detect(file, { detectionModel: "detection_03", recognitionModel })));
  await Promise.all(
    detected.map(async (faces, index) => drawFaces($(`verify-canvas-${index + 1}`), await loadImage(verifyPhotos[index]), faces.slice(0, 1))),
  );
  detected.forEach((faces, index) => {
    if (!faces.length) throw new Error(`No face detected in the ${index ? "second" : "first"} photo.`);
  });
  const result = await call("POST", "/verify", { json: { faceId1: detected[0][0].faceId, faceId2: detected[1][0].faceId } });
  $("verify-result").hidden = false;
  $("verify-result").dataset.identical = String(result.isIdentical);
  $("verify-bar").style.width = `${Math.round(result.confidence * 100)}%`;
  $("verify-decision").textContent = result.isIdentical ? "Same person" : "Different people";
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
}
