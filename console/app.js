// The console's shell: the key (typed once, kept in sessionStorage only), the API version, the pages.

import { session } from "./api.js";
import { refreshLists, setUpCollections } from "./collections.js";
import { setUpDetect } from "./detect.js";
import { refreshDirectorySummary, setUpDirectory } from "./directory.js";
import { setUpFacePick } from "./facepick.js";
import { refreshTargets, setUpIdentify } from "./identify.js";
import { $, clearError, guarded } from "./ui.js";

const PAGES = {
  detect: () => {},
  collections: () => Promise.all([refreshLists(), refreshDirectorySummary()]),
  identify: refreshTargets,
};

function showKeyState() {
  const key = session.key();
  $("key-state").textContent = key ? `key set · ${session.version()}` : "no key";
  $("key-state").dataset.set = String(Boolean(key));
  $("key").value = "";
  $("key").placeholder = key ? "•••••••• (kept for this tab)" : "Ocp-Apim-Subscription-Key";
}

function showPage() {
  const name = location.hash.slice(1) in PAGES ? location.hash.slice(1) : "detect";
  for (const page of Object.keys(PAGES)) $(`page-${page}`).hidden = page !== name;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("current", link.dataset.page === name);
  if (session.key()) guarded(null, PAGES[name]);
}

function saveKey() {
  const key = $("key").value.trim();
  if (key) session.setKey(key);
  session.setVersion($("version").value);
  showKeyState();
  showPage();
}

document.addEventListener("DOMContentLoaded", () => {
  $("version").value = session.version();
  $("key-save").addEventListener("click", saveKey);
  $("key").addEventListener("keydown", (event) => event.key === "Enter" && saveKey());
  $("key-forget").addEventListener("click", () => {
    session.forgetKey();
    showKeyState();
  });
  $("error-close").addEventListener("click", clearError);
  setUpDetect();
  setUpCollections();
  setUpDirectory();
  setUpFacePick();
  setUpIdentify();
  window.addEventListener("hashchange", showPage);
  showKeyState();
  showPage();
});
