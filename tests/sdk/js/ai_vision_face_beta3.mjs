/**
 * `@azure-rest/ai-vision-face` 1.0.0-beta.3 (installed as `ai-vision-face-beta3`), unchanged, against
 * the service: `node ai_vision_face_beta3.mjs <endpoint> <key> <knn examples folder> [apiVersion]`.
 * Its default API version is v1.2.
 */

import createClient, { getLongRunningPoller, isUnexpected } from "ai-vision-face-beta3";

import { runRestScenario } from "./rest_scenario.mjs";

await runRestScenario({ createClient, getLongRunningPoller, isUnexpected }, "v1.2", process.argv);
