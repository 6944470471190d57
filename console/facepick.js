// Adding a face from a photo: its faces are detected, drawn and numbered, and one is chosen (by its button
// or by clicking its box); the chosen face's rectangle is what the add call sends as `targetFace`.

import { detect } from "./api.js";
import { CHOSEN_COLOUR, drawFaces, faceAt, loadImage } from "./draw.js";
import { el, guarded } from "./ui.js";

// Detect `file`'s faces onto `canvas` and offer one button per face in `choices`. Choosing a face calls
// `add(targetFace)`, which adds it and resolves to the message then shown in place of the buttons.
export async function pickFace(file, { canvas, choices, detectionModel, recognitionModel, add }) {
  const faces = await detect(file, { detectionModel, recognitionModel, landmarks: false });
  const image = await loadImage(file);
  const draw = (chosen) => drawFaces(canvas, image, faces, [], faces.map((_, index) => (index === chosen ? CHOSEN_COLOUR : undefined)));
  draw(-1);
  choices.replaceChildren();
  if (!faces.length) throw new Error("No face detected in this photo.");
  const choose = (index) =>
    guarded(null, async () => {
      draw(index);
      const { left, top, width, height } = faces[index].faceRectangle;
      const message = await add(`${left},${top},${width},${height}`);
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

// Clear what a previous photo left on `canvas` and in `choices`.
export function clearPick(canvas, choices) {
  canvas.width = 0;
  canvas.onclick = null;
  choices.replaceChildren();
}
