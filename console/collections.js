// Collections: every person group, large person group, face list and large face list; create, rename,
// delete; persons and faces with what the service stores (ids and userData: it keeps no image); faces added
// from a photo, choosing the face when there are several; training with its live status. The
// PersonDirectory, on the same page, is directory.js's.

import { call, KINDS, listAll, listCollections } from "./api.js";
import { setFaceTarget } from "./facepick.js";
import { $, el, guarded, showError } from "./ui.js";

const TRAINING_POLL_MS = 500;

let current = null; // { kind, id, info }
let faceOwner = null; // the personId faces are being added to, if any

const collectionPath = () => `/${current.kind}/${current.id}`;

export async function refreshLists() {
  const lists = $("collection-lists");
  const sections = await Promise.all(
    Object.entries(KINDS).map(async ([kind, { label, idField }]) => {
      let items;
      try {
        items = await listCollections(kind);
      } catch (error) {
        showError(error);
        return el("section", { className: "kind" }, el("h3", { textContent: label }), el("p", { className: "hint", textContent: "could not be listed" }));
      }
      const entries = items.map((item) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", className: "link", "data-kind": kind, "data-id": item[idField], onclick: () => guarded(null, () => open(kind, item[idField])) },
            el("strong", { textContent: item.name || item[idField] }),
            el("span", { className: "hint", textContent: ` ${item[idField]}` }),
          ),
        ),
      );
      return el(
        "section",
        { className: "kind" },
        el("h3", { textContent: `${label} (${items.length})` }),
        entries.length ? el("ul", { className: "collections" }, ...entries) : el("p", { className: "hint", textContent: "none" }),
      );
    }),
  );
  lists.replaceChildren(...sections);
}

async function create() {
  const kind = $("new-kind").value;
  const id = $("new-id").value.trim();
  const name = $("new-name").value.trim() || id;
  await call("PUT", `/${kind}/${id}`, { json: { name, recognitionModel: $("new-recognition").value } });
  $("new-id").value = "";
  $("new-name").value = "";
  await refreshLists();
  await open(kind, id);
}

function field(name, value) {
  return [el("dt", { textContent: name }), el("dd", { textContent: value ?? "—" })];
}

export async function open(kind, id) {
  const info = await call("GET", `/${kind}/${id}`, { query: { returnRecognitionModel: true } });
  current = { kind, id, info };
  const { one, persons, trained } = KINDS[kind];
  $("directory").hidden = true;
  $("collection").hidden = false;
  $("collection").dataset.kind = kind;
  $("collection").dataset.id = id;
  $("collection-title").textContent = `${info.name} (${one})`;
  $("collection-fields").replaceChildren(
    ...field("Id", id),
    ...field("Name", info.name),
    ...field("userData", info.userData),
    ...field("Recognition model", info.recognitionModel),
  );
  $("collection-name").value = info.name;
  $("training-controls").hidden = !trained;
  $("persons-panel").hidden = !persons;
  $("faces-panel").hidden = persons;
  if (persons) setFaceTarget($("collection"), null);
  else addFacesTo(null, info.name);
  if (trained) await showTraining();
  await (persons ? showPersons() : showListFaces());
}

async function showTraining() {
  try {
    const status = await call("GET", `${collectionPath()}/training`);
    const when = status.lastActionDateTime ? ` · ${new Date(status.lastActionDateTime).toLocaleString()}` : "";
    $("training-status").textContent = `Training: ${status.status}${when}${status.message ? ` · ${status.message}` : ""}`;
    $("training-status").dataset.status = status.status.toLowerCase();
    return status;
  } catch (error) {
    if (error.status !== 404) throw error;
    $("training-status").textContent = `Not trained (${error.message})`;
    $("training-status").dataset.status = "untrained";
    return null;
  }
}

async function train() {
  await call("POST", `${collectionPath()}/train`);
  for (;;) {
    const status = await showTraining();
    if (status && ["succeeded", "failed"].includes(status.status.toLowerCase())) return;
    await new Promise((resolve) => setTimeout(resolve, TRAINING_POLL_MS));
  }
}

async function rename() {
  await call("PATCH", collectionPath(), { json: { name: $("collection-name").value.trim() } });
  await refreshLists();
  await open(current.kind, current.id);
}

async function remove() {
  if (!confirm(`Delete ${KINDS[current.kind].one} ${current.id} and everything in it?`)) return;
  await call("DELETE", collectionPath());
  current = null;
  $("collection").hidden = true;
  await refreshLists();
}

// Each face id of a person or list, with its userData loaded when the list is opened.
function faceList(ids, facePath) {
  const items = ids.map((faceId) => el("li", { className: "face-id", "data-face": faceId }, el("code", { textContent: faceId })));
  const details = el("details", {}, el("summary", { textContent: `${ids.length} face${ids.length === 1 ? "" : "s"}` }), el("ul", {}, ...items));
  details.addEventListener("toggle", () => {
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = "true";
    items.forEach((item, index) =>
      guarded(null, async () => {
        const face = await call("GET", facePath(ids[index]));
        item.append(el("span", { className: "hint", textContent: ` userData: ${face.userData ?? "—"}` }));
      }),
    );
  });
  return details;
}

async function showPersons() {
  const persons = await listAll(`${collectionPath()}/persons`, "personId");
  $("persons").replaceChildren(
    ...persons.map((person) =>
      el(
        "li",
        { className: "person", "data-person": person.personId, "data-name": person.name },
        el("strong", { textContent: person.name }),
        el("span", { className: "hint", textContent: ` ${person.personId}${person.userData ? ` · ${person.userData}` : ""}` }),
        faceList(person.persistedFaceIds || [], (faceId) => `${collectionPath()}/persons/${person.personId}/persistedfaces/${faceId}`),
        el("button", { type: "button", className: "add", textContent: "Add face", onclick: () => addFacesTo(person.personId, person.name) }),
        el("button", { type: "button", className: "danger", textContent: "Delete", onclick: () => guarded(null, () => removePerson(person)) }),
      ),
    ),
  );
}

async function showListFaces() {
  const faces =
    current.kind === "facelists"
      ? (await call("GET", collectionPath())).persistedFaces || []
      : await listAll(`${collectionPath()}/persistedfaces`, "persistedFaceId");
  $("list-faces").replaceChildren(
    ...faces.map((face) =>
      el("li", { className: "face-id", "data-face": face.persistedFaceId }, el("code", { textContent: face.persistedFaceId }), el("span", { className: "hint", textContent: ` userData: ${face.userData ?? "—"}` })),
    ),
  );
}

async function createPerson() {
  const name = $("person-name").value.trim();
  const userData = $("person-data").value.trim() || undefined;
  const { personId } = await call("POST", `${collectionPath()}/persons`, { json: { name, userData } });
  $("person-name").value = "";
  $("person-data").value = "";
  await showPersons();
  addFacesTo(personId, name);
}

async function removePerson(person) {
  if (!confirm(`Delete ${person.name} and their faces?`)) return;
  await call("DELETE", `${collectionPath()}/persons/${person.personId}`);
  if (faceOwner === person.personId) setFaceTarget($("collection"), null);
  await showPersons();
}

// Faces are added to a person (personId) or to the open face list (null).
function addFacesTo(personId, label) {
  faceOwner = personId;
  const add = async (file, query) => {
    const base = personId ? `${collectionPath()}/persons/${personId}` : collectionPath();
    const { persistedFaceId } = await call("POST", `${base}/persistedfaces`, { image: file, query });
    await (personId ? showPersons() : showListFaces());
    return `Added face ${persistedFaceId}`;
  };
  setFaceTarget($("collection"), { label, recognitionModel: current.info.recognitionModel, add });
}

export function setUpCollections() {
  $("new-create").addEventListener("click", () => guarded($("new-create"), create));
  $("collections-refresh").addEventListener("click", () => guarded($("collections-refresh"), refreshLists));
  $("collection-rename").addEventListener("click", () => guarded($("collection-rename"), rename));
  $("collection-delete").addEventListener("click", () => guarded($("collection-delete"), remove));
  $("collection-train").addEventListener("click", () => guarded($("collection-train"), train));
  $("person-create").addEventListener("click", () => guarded($("person-create"), createPerson));
}
