/**
 * `@azure-rest/ai-vision-face` 1.0.0-beta.1 (installed as `ai-vision-face-beta1`), unchanged, against
 * the service: `node ai_vision_face_beta1.mjs <endpoint> <key> <knn examples folder> [apiVersion]`.
 * Its default API version is v1.1-preview.1.
 */

import createClient, { getLongRunningPoller, isUnexpected } from "ai-vision-face-beta1";

import { runRestScenario } from "./rest_scenario.mjs";

await runRestScenario({ createClient, getLongRunningPoller, isUnexpected }, "v1.1-preview.1", process.argv);
