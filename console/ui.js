// Small DOM helpers and the error banner every page shares.

import { FaceApiError } from "./api.js";

export const $ = (id) => document.getElementById(id);

// An element with properties (className, textContent, dataset entries as data-*) and children.
export function el(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name.startsWith("data-")) element.dataset[name.slice(5)] = value;
    else element[name] = value;
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

export function showError(error) {
  const azure = error instanceof FaceApiError;
  $("error-code").textContent = azure ? `${error.status ? `${error.status} ` : ""}${error.code}` : "Error";
  $("error-message").textContent = error.message || String(error);
  $("error").hidden = false;
}

export function clearError() {
  $("error").hidden = true;
}

let running = 0; // actions under way; the page is aria-busy (and shows a progress cursor) while any runs

function busy(change) {
  running += change;
  document.body.setAttribute("aria-busy", String(running > 0));
}

// Run an action from a control: clear the banner, disable the control while it runs, show any failure.
export async function guarded(control, action) {
  clearError();
  if (control) control.disabled = true;
  busy(1);
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    busy(-1);
    if (control) control.disabled = false;
  }
}

// A confidence as a labelled bar.
export function confidenceBar(confidence) {
  const fill = el("span");
  fill.style.width = `${Math.round(confidence * 100)}%`;
  return el("span", { className: "bar", title: confidence.toFixed(3) }, fill);
}

// A file input that also takes a photo dropped on `zone`; `onFile` gets the chosen File.
export function photoInput(input, zone, onFile) {
  input.addEventListener("change", () => input.files[0] && onFile(input.files[0]));
  if (!zone) return;
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  });
}
