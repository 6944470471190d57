// The Face REST API as the console calls it: same origin, the chosen API version, the key from
// sessionStorage in the Ocp-Apim-Subscription-Key header (never in a URL). Failures carry Azure's code
// and message.

const KEY_ITEM = "face.console.key";
const VERSION_ITEM = "face.console.version";
export const DEFAULT_VERSION = "v1.2";
// The PersonDirectory and /operations exist only in the preview versions: directory calls use the chosen
// version when it is one of them, else this one.
export const DIRECTORY_VERSION = "v1.2-preview.1";
const DIRECTORY_VERSIONS = ["v1.0-preview", "v1.1-preview.1", DIRECTORY_VERSION];

export class FaceApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY_ITEM),
  setKey: (key) => sessionStorage.setItem(KEY_ITEM, key),
  forgetKey: () => sessionStorage.removeItem(KEY_ITEM),
  version: () => sessionStorage.getItem(VERSION_ITEM) || DEFAULT_VERSION,
  setVersion: (version) => sessionStorage.setItem(VERSION_ITEM, version),
  directoryVersion: () => (DIRECTORY_VERSIONS.includes(session.version()) ? session.version() : DIRECTORY_VERSION),
};

// The console lives at {prefix}/console/, the API at {prefix}/{version}/.
function apiUrl(version, path, query) {
  const url = new URL(`../${version}${path}`, document.baseURI);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, String(value));
  }
  return url;
}

async function failure(response) {
  let code = String(response.status);
  let message = response.statusText || "Request failed";
  try {
    const body = await response.json();
    if (body && body.error) ({ code, message } = body.error);
  } catch {
    // Not Azure's envelope: the status line is all there is.
  }
  return new FaceApiError(response.status, code, message);
}

// One request: `json` sends a JSON body, `image` (a Blob) an octet-stream body, `version` overrides the
// chosen API version. Resolves to the successful Response.
async function send(method, path, { query, json, image, version } = {}) {
  const key = session.key();
  if (!key) throw new FaceApiError(0, "NoKey", "Enter the subscription key first.");
  const headers = { "Ocp-Apim-Subscription-Key": key };
  let body;
  if (image) {
    headers["Content-Type"] = "application/octet-stream";
    body = image;
  } else if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(apiUrl(version || session.version(), path, query), { method, headers, body, credentials: "omit", cache: "no-store" });
  } catch (error) {
    throw new FaceApiError(0, "NetworkError", String(error.message || error));
  }
  if (!response.ok) throw await failure(response);
  return response;
}

async function parsed(response) {
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

// One request (options as `send`), resolving to the parsed JSON answer, or null for an empty one.
export async function call(method, path, options = {}) {
  return parsed(await send(method, path, options));
}

// A PersonDirectory request, in a version that has the directory.
export function directoryCall(method, path, options = {}) {
  return call(method, path, { ...options, version: session.directoryVersion() });
}

// A long-running PersonDirectory request: `{ body, operationId }`, the id read from the 202's
// operation-Location header (null when the service answered at once, without an operation).
export async function startOperation(method, path, options = {}) {
  const response = await send(method, path, { ...options, version: session.directoryVersion() });
  const location = response.headers.get("operation-Location");
  return { body: await parsed(response), operationId: location ? new URL(location, document.baseURI).pathname.split("/").pop() : null };
}

// The status of a long-running operation: GET /operations/{operationId}.
export function operationStatus(operationId) {
  return directoryCall("GET", `/operations/${operationId}`);
}

// Every item of a list operation paged by start/top (`version` as for `send`).
export async function listAll(path, idField, query = {}, version = undefined) {
  const items = [];
  let start;
  for (;;) {
    const page = await call("GET", path, { query: { ...query, top: 1000, start }, version });
    items.push(...page);
    if (page.length < 1000) return items;
    start = page[page.length - 1][idField];
  }
}

export const KINDS = {
  persongroups: { label: "Person groups", one: "person group", idField: "personGroupId", persons: true, trained: true },
  largepersongroups: { label: "Large person groups", one: "large person group", idField: "largePersonGroupId", persons: true, trained: true },
  facelists: { label: "Face lists", one: "face list", idField: "faceListId", persons: false, trained: false },
  largefacelists: { label: "Large face lists", one: "large face list", idField: "largeFaceListId", persons: false, trained: true },
};

// Every collection of one kind (face lists are not paged).
export function listCollections(kind) {
  const query = { returnRecognitionModel: true };
  if (kind === "facelists") return call("GET", `/${kind}`, { query });
  return listAll(`/${kind}`, KINDS[kind].idField, query);
}

export function detect(image, { detectionModel, recognitionModel, landmarks = true, attributes = [] }) {
  return call("POST", "/detect", {
    image,
    query: {
      returnFaceId: true,
      returnFaceLandmarks: landmarks && detectionModel !== "detection_02",
      detectionModel,
      recognitionModel,
      returnFaceAttributes: attributes.join(","),
      returnRecognitionModel: true,
    },
  });
}
