// Detect: a photo, the models and attributes, every face drawn with its landmarks and attributes, the JSON.

import { detect } from "./api.js";
import { drawFaces, loadImage } from "./draw.js";
import { $, el, guarded, photoInput } from "./ui.js";

// What each detection model may return (Azure's v1.2 rules; v1.0 accepts more for detection_01).
const ATTRIBUTES = {
  detection_01: ["headPose", "glasses", "occlusion", "accessories", "blur", "exposure", "noise", "qualityForRecognition"],
  detection_02: [],
  detection_03: ["headPose", "blur", "mask", "qualityForRecognition"],
};

let photo = null;

function showAttributeChoices() {
  const fieldset = $("detect-attributes");
  const checked = new Set([...fieldset.querySelectorAll("input:checked")].map((box) => box.value));
  fieldset.replaceChildren(el("legend", { textContent: "Attributes" }));
  const names = ATTRIBUTES[$("detect-detection").value];
  if (!names.length) fieldset.append(el("span", { className: "hint", textContent: "none for this model" }));
  for (const name of names) {
    const box = el("input", { type: "checkbox", value: name, checked: checked.has(name) });
    fieldset.append(el("label", { className: "check" }, box, ` ${name}`));
  }
}

// One attribute as a short phrase: levels and types by name, numbers rounded, flags listed.
export function describe(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(Math.round(value * 10) / 10);
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return value.map((item) => describe(item.type ?? item)).join(", ") || "none";
  const level = Object.keys(value).find((key) => key.endsWith("Level") || key === "type");
  if (level) return describe(value[level]);
  return Object.entries(value)
    .map(([key, item]) => (typeof item === "boolean" ? (item ? key : null) : `${key} ${describe(item)}`))
    .filter(Boolean)
    .join(", ") || "none";
}

function faceItem(face, index) {
  const { left, top, width, height } = face.faceRectangle;
  const details = Object.entries(face.faceAttributes || {}).map(([name, value]) =>
    el("li", {}, el("span", { className: "name", textContent: name }), ` ${describe(value)}`),
  );
  const landmarks = Object.keys(face.faceLandmarks || {}).length;
  return el(
    "li",
    { className: "face", "data-index": String(index) },
    el("strong", { textContent: `Face ${index + 1}` }),
    ` ${left},${top} ${width}×${height}` + (landmarks ? ` · ${landmarks} landmarks` : ""),
    details.length ? el("ul", { className: "attributes" }, ...details) : null,
  );
}

async function run() {
  if (!photo) throw new Error("Choose a photo first.");
  const attributes = [...$("detect-attributes").querySelectorAll("input:checked")].map((box) => box.value);
  const faces = await detect(photo, {
    detectionModel: $("detect-detection").value,
    recognitionModel: $("detect-recognition").value,
    attributes,
  });
  const image = await loadImage(photo);
  drawFaces($("detect-canvas"), image, faces);
  $("detect-summary").textContent = `${faces.length} face${faces.length === 1 ? "" : "s"}`;
  $("detect-faces").replaceChildren(...faces.map(faceItem));
  $("detect-json").textContent = JSON.stringify(faces, null, 2);
}

export function setUpDetect() {
  showAttributeChoices();
  $("detect-detection").addEventListener("change", showAttributeChoices);
  photoInput($("detect-file"), $("detect-drop"), (file) => {
    photo = file;
    guarded($("detect-run"), run);
  });
  $("detect-run").addEventListener("click", () => guarded($("detect-run"), run));
}
