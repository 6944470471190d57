// The PersonDirectory on the Collections page: its persons (create, rename, delete), each person's faces
// per recognition model (added from a photo, choosing the face; deleted; ids and userData shown), and its
// dynamic person groups (create, rename, delete, members added and removed). Every long-running request
// answers 202 with an operation-Location; its status is polled and shown live until it settles. There is
// no training: a face is searchable once its add operation has succeeded.

import { directoryCall, listAll, operationStatus, session, startOperation } from "./api.js";
import { setFaceTarget } from "./facepick.js";
import { $, el, guarded } from "./ui.js";

const OPERATION_POLL_MS = 500;
const OPERATIONS_SHOWN = 8;
const SETTLED = ["succeeded", "failed"];

let persons = []; // every directory person, as listed
let person = null; // the open person
let group = null; // the open dynamic group's id

const personPath = (personId) => `/persons/${personId}`;
const facesPath = () => `${personPath(person.personId)}/recognitionModels/${$("dir-person-model").value}/persistedfaces`;
const groupPath = (groupId) => `/dynamicpersongroups/${groupId}`;
const personName = (personId) => persons.find((item) => item.personId === personId)?.name ?? personId;

export const listDirectoryPersons = () => listAll("/persons", "personId", {}, session.directoryVersion());
export const listDynamicGroups = () => listAll("/dynamicpersongroups", "dynamicPersonGroupId", {}, session.directoryVersion());

// Show one operation's status live until it settles; a failed operation throws with its message.
async function follow(operationId, label) {
  if (!operationId) return;
  const status = el("span", { className: "state", textContent: "accepted" });
  const item = el("li", { "data-operation": operationId, "data-status": "accepted" }, el("span", { textContent: `${label}: ` }), status);
  $("operations").prepend(item);
  while ($("operations").children.length > OPERATIONS_SHOWN) $("operations").lastElementChild.remove();
  for (;;) {
    const result = await operationStatus(operationId);
    const name = result.status.toLowerCase();
    item.dataset.status = name;
    status.textContent = `${result.status}${result.message ? ` · ${result.message}` : ""}`;
    if (name === "failed") throw new Error(`${label} failed: ${result.message || "no message"}`);
    if (SETTLED.includes(name)) return;
    await new Promise((resolve) => setTimeout(resolve, OPERATION_POLL_MS));
  }
}

// The aside's line: how many persons and dynamic groups the directory holds.
export async function refreshDirectorySummary() {
  const [everyone, groups] = await Promise.all([listDirectoryPersons(), listDynamicGroups()]);
  $("directory-summary").textContent = `${everyone.length} person${everyone.length === 1 ? "" : "s"} · ${groups.length} dynamic group${groups.length === 1 ? "" : "s"}`;
}

export async function openDirectory() {
  $("collection").hidden = true;
  $("directory").hidden = false;
  $("directory-version").textContent = session.directoryVersion();
  await Promise.all([showPersons(), showGroups()]);
}

// Fill `list` with one entry per item: its name as a link that opens it, then `hint`; `empty` when none.
// Each entry is { data (data-* attributes), name, hint, open }.
function showLinks(list, entries, empty) {
  list.replaceChildren(
    ...entries.map(({ data, name, hint, open }) =>
      el(
        "li",
        { className: "person", ...data, "data-name": name },
        el("button", { type: "button", className: "link", onclick: () => guarded(null, open) }, el("strong", { textContent: name })),
        el("span", { className: "hint", textContent: ` ${hint}` }),
      ),
    ),
  );
  if (!entries.length) list.replaceChildren(el("li", { className: "hint", textContent: empty }));
}

async function showPersons() {
  persons = await listDirectoryPersons();
  const entries = persons.map(({ personId, name, userData }) => ({
    data: { "data-person": personId },
    name,
    hint: `${personId}${userData ? ` · ${userData}` : ""}`,
    open: () => openPerson(personId),
  }));
  showLinks($("dir-persons"), entries, "no person yet");
  await refreshDirectorySummary();
}

async function createPerson() {
  const name = $("dir-new-name").value.trim();
  const userData = $("dir-new-data").value.trim() || undefined;
  const { body, operationId } = await startOperation("POST", "/persons", { json: { name, userData } });
  await follow(operationId, `Create ${name}`);
  $("dir-new-name").value = "";
  $("dir-new-data").value = "";
  await showPersons();
  await openPerson(body.personId);
}

function field(name, value) {
  return [el("dt", { textContent: name }), el("dd", { textContent: value ?? "—" })];
}

async function openPerson(personId) {
  const [info, references] = await Promise.all([
    directoryCall("GET", personPath(personId)),
    directoryCall("GET", `${personPath(personId)}/dynamicPersonGroupReferences`),
  ]);
  person = info;
  $("dir-person").hidden = false;
  $("dir-person").dataset.person = personId;
  $("dir-person-title").textContent = info.name;
  $("dir-person-fields").replaceChildren(
    ...field("Person id", personId),
    ...field("userData", info.userData),
    ...field("Dynamic groups", references.dynamicPersonGroupIds.join(", ") || "none"),
  );
  $("dir-person-name").value = info.name;
  $("dir-person-data").value = info.userData ?? "";
  addFacesTo(info);
  await showFaces();
}

async function savePerson() {
  const json = { name: $("dir-person-name").value.trim(), userData: $("dir-person-data").value.trim() };
  await directoryCall("PATCH", personPath(person.personId), { json });
  await showPersons();
  await openPerson(person.personId);
}

async function deletePerson() {
  if (!confirm(`Delete ${person.name} and their faces?`)) return;
  const { operationId } = await startOperation("DELETE", personPath(person.personId));
  const name = person.name;
  person = null;
  $("dir-person").hidden = true;
  await follow(operationId, `Delete ${name}`);
  await showPersons();
}

// The open person's faces under the chosen recognition model: ids, userData and a delete button each.
async function showFaces() {
  const { persistedFaceIds } = await directoryCall("GET", facesPath());
  const faces = await Promise.all(persistedFaceIds.map((faceId) => directoryCall("GET", `${facesPath()}/${faceId}`)));
  $("dir-faces").replaceChildren(
    ...faces.map((face) =>
      el(
        "li",
        { className: "face-id", "data-face": face.persistedFaceId },
        el("code", { textContent: face.persistedFaceId }),
        el("span", { className: "hint", textContent: ` userData: ${face.userData ?? "—"}` }),
        el("button", { type: "button", className: "danger", textContent: "Delete", onclick: () => guarded(null, () => deleteFace(face.persistedFaceId)) }),
      ),
    ),
  );
  if (!faces.length) $("dir-faces").replaceChildren(el("li", { className: "hint", textContent: `no face for ${$("dir-person-model").value}` }));
  $("dir-faces").dataset.count = String(faces.length);
}

// Faces go to the open person under the recognition model chosen when the face is added.
function addFacesTo(info) {
  const add = async (file, query) => {
    const { body, operationId } = await startOperation("POST", facesPath(), { image: file, query });
    await follow(operationId, `Add a face to ${info.name}`);
    await showFaces();
    return `Added face ${body.persistedFaceId}: searchable now`;
  };
  setFaceTarget($("dir-person"), { label: info.name, recognitionModel: $("dir-person-model").value, add });
}

async function deleteFace(faceId) {
  const { operationId } = await startOperation("DELETE", `${facesPath()}/${faceId}`);
  await follow(operationId, `Delete a face of ${person.name}`);
  await showFaces();
}

async function showGroups() {
  const groups = await listDynamicGroups();
  const entries = groups.map(({ dynamicPersonGroupId: id, name }) => ({ data: { "data-group": id }, name, hint: id, open: () => openGroup(id) }));
  showLinks($("dyn-groups"), entries, "no dynamic group yet");
  await refreshDirectorySummary();
}

async function createGroup() {
  const id = $("dyn-new-id").value.trim();
  const name = $("dyn-new-name").value.trim() || id;
  await directoryCall("PUT", groupPath(id), { json: { name } });
  $("dyn-new-id").value = "";
  $("dyn-new-name").value = "";
  await showGroups();
  await openGroup(id);
}

// Every member of a dynamic group (the list answers `{personIds}`, paged by start/top).
async function groupMembers(groupId) {
  const members = [];
  let start;
  for (;;) {
    const { personIds } = await directoryCall("GET", `${groupPath(groupId)}/persons`, { query: { top: 1000, start } });
    members.push(...personIds);
    if (personIds.length < 1000) return members;
    start = personIds[personIds.length - 1];
  }
}

async function openGroup(groupId) {
  const [info, members] = await Promise.all([directoryCall("GET", groupPath(groupId)), groupMembers(groupId)]);
  group = groupId;
  $("dyn-group").hidden = false;
  $("dyn-group").dataset.group = groupId;
  $("dyn-group-title").textContent = `${info.name} (${groupId})`;
  $("dyn-group-name").value = info.name;
  $("dyn-members").replaceChildren(
    ...members.map((personId) =>
      el(
        "li",
        { className: "person", "data-person": personId, "data-name": personName(personId) },
        el("strong", { textContent: personName(personId) }),
        el("span", { className: "hint", textContent: ` ${personId}` }),
        el("button", { type: "button", className: "danger", textContent: "Remove", onclick: () => guarded(null, () => changeMembers({ removePersonIds: [personId] }, `Remove ${personName(personId)}`)) }),
      ),
    ),
  );
  if (!members.length) $("dyn-members").replaceChildren(el("li", { className: "hint", textContent: "no member yet" }));
  const others = persons.filter((item) => !members.includes(item.personId));
  $("dyn-member-choice").replaceChildren(...others.map((item) => el("option", { value: item.personId, textContent: item.name })));
  $("dyn-member-add").disabled = !others.length;
}

async function changeMembers(change, label) {
  const { operationId } = await startOperation("PATCH", groupPath(group), { json: change });
  await follow(operationId, `${label} (${group})`);
  await openGroup(group);
}

async function addMember() {
  const personId = $("dyn-member-choice").value;
  if (personId) await changeMembers({ addPersonIds: [personId] }, `Add ${personName(personId)}`);
}

async function renameGroup() {
  await directoryCall("PATCH", groupPath(group), { json: { name: $("dyn-group-name").value.trim() } });
  await showGroups();
  await openGroup(group);
}

async function deleteGroup() {
  if (!confirm(`Delete the dynamic group ${group}? Its persons stay in the directory.`)) return;
  const { operationId } = await startOperation("DELETE", groupPath(group));
  const deleted = group;
  group = null;
  $("dyn-group").hidden = true;
  await follow(operationId, `Delete ${deleted}`);
  await showGroups();
}

export function setUpDirectory() {
  const on = (id, action) => $(id).addEventListener("click", () => guarded($(id), action));
  on("directory-open", openDirectory);
  on("dir-person-create", createPerson);
  on("dir-person-rename", savePerson);
  on("dir-person-delete", deletePerson);
  on("dyn-create", createGroup);
  on("dyn-group-rename", renameGroup);
  on("dyn-group-delete", deleteGroup);
  on("dyn-member-add", addMember);
  $("dir-person-model").addEventListener("change", () => guarded(null, showFaces));
}
