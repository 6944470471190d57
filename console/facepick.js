// The one "Add a face" panel, shown inside whichever person or face list is open (a collection's or the
// PersonDirectory's): a photo's faces are detected, drawn and numbered, and one is chosen (by its button
// or by clicking its box); the chosen face's rectangle is what the add call sends as `targetFace`.

import { detect } from "./api.js";
import { CHOSEN_COLOUR, drawFaces, faceAt, loadImage } from "./draw.js";
import { $, el, guarded } from "./ui.js";

// { label, recognitionModel, add(file, query) }: `add` sends the face (query: targetFace, detectionModel,
// userData) and resolves to the message shown once it is added.
let target = null;

// Show the panel at the end of `host` for `next`, or hide it (`next` null); what an earlier photo left is cleared.
export function setFaceTarget(host, next) {
  target = next;
  const panel = $("add-face");
  if (next) host.append(panel);
  panel.hidden = !next;
  $("add-face-title").textContent = next ? `Add a face to ${next.label}` : "";
  $("add-face-canvas").width = 0;
  $("add-face-canvas").onclick = null;
  $("add-face-choices").replaceChildren();
  $("add-face-file").value = "";
}

// Detect the photo's faces, draw them and offer one button per face.
async function pickFace(file) {
  const chosenFor = target;
  const detectionModel = $("add-face-detection").value;
  const canvas = $("add-face-canvas");
  const choices = $("add-face-choices");
  const faces = await detect(file, { detectionModel, recognitionModel: chosenFor.recognitionModel, landmarks: false });
  const image = await loadImage(file);
  const draw = (chosen) => drawFaces(canvas, image, faces, [], faces.map((_, index) => (index === chosen ? CHOSEN_COLOUR : undefined)));
  draw(-1);
  if (!faces.length) throw new Error("No face detected in this photo.");
  const choose = (index) =>
    guarded(null, async () => {
      draw(index);
      const { left, top, width, height } = faces[index].faceRectangle;
      const query = { targetFace: `${left},${top},${width},${height}`, detectionModel, userData: $("add-face-data").value.trim() || file.name };
      const message = await chosenFor.add(file, query);
      choices.replaceChildren(el("p", { className: "done", textContent: message }));
    });
  canvas.onclick = (event) => {
    const index = faceAt(canvas, faces, event);
    if (index >= 0) choose(index);
  };
  choices.replaceChildren(
    ...faces.map((_, index) =>
      el("button", { type: "button", className: "primary", "data-face": String(index), textContent: faces.length === 1 ? "Add this face" : `Add face ${index + 1}`, onclick: () => choose(index) }),
    ),
  );
}

export function setUpFacePick() {
  $("add-face-file").addEventListener("change", () => {
    const file = $("add-face-file").files[0];
    if (file && target) guarded(null, () => pickFace(file));
  });
}
