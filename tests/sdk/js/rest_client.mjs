/**
 * What every scenario of Microsoft's REST-level clients (`@azure-rest/ai-vision-face`) shares:
 * connecting to the dev host, reading answers the client's way (`isUnexpected` and the typed
 * error body), and waiting on a 202 with the client's own long-running poller.
 *
 * The clients refuse plain http unless their options say `allowInsecureConnection`, which
 * the dev host needs; `apiVersion` (also a client option) is given only to try a client
 * against a version other than its default.
 */

import { AzureKeyCredential } from "@azure/core-auth";

import { expect } from "./steps.mjs";

const POLL_MILLISECONDS = 500;

/** A client of `sdk` (an installed package's `createClient`, `getLongRunningPoller`, `isUnexpected`). */
export function connect(sdk, endpoint, key, apiVersion) {
  return sdk.createClient(endpoint, new AzureKeyCredential(key), {
    allowInsecureConnection: true,
    ...(apiVersion ? { apiVersion } : {}),
  });
}

/** Status, headers and body of a client response, for a failure's report. */
export function summary(response) {
  return { status: response.status, headers: { ...response.headers }, body: response.body ?? null };
}

/** Checks of a client's responses, with `sdk.isUnexpected` telling expected answers from errors. */
export function responseChecks(sdk) {
  /** The body of an expected answer with `status` (a string, as the client gives it). */
  function expectStatus(response, status, what) {
    expect(!sdk.isUnexpected(response) && response.status === status, `${what}: expected ${status}`, summary(response));
    return response.body;
  }

  /** An error answer with `status` and the error `code` in Azure's envelope. */
  function expectError(response, status, code, what) {
    const surfaced = sdk.isUnexpected(response) ? response.body?.error?.code : undefined;
    expect(response.status === status && surfaced === code, `${what}: expected ${status} ${code}`, summary(response));
    return { status: response.status, code: surfaced };
  }

  /** Azure's 202 for a long-running operation: answers its `operation-Location`. */
  function expectAccepted(started, what) {
    expectStatus(started, "202", what);
    const operationLocation = started.headers["operation-location"];
    expect(operationLocation, `${what}: the 202 has no operation-Location header`, summary(started));
    return operationLocation;
  }

  /**
   * Waits on the client's poller (`getLongRunningPoller`) for the operation `started` (a 202)
   * began, which must end `succeeded`; answers the poller's final response (for an operation
   * that names a resource, the poller's last read of that resource).
   */
  async function pollUntilSucceeded(client, started, what) {
    const poller = await sdk.getLongRunningPoller(client, started, { intervalInMs: POLL_MILLISECONDS });
    const final = await poller.pollUntilDone();
    const { status } = poller.getOperationState();
    expect(status === "succeeded", `${what}: the poller ended ${status}`, summary(final));
    return final;
  }

  /** `expectAccepted`, then `pollUntilSucceeded`: answers the `operation-Location` and the final response. */
  async function pollToSuccess(client, started, what) {
    const operationLocation = expectAccepted(started, what);
    return { operationLocation, final: await pollUntilSucceeded(client, started, what) };
  }

  return { expectStatus, expectError, expectAccepted, pollUntilSucceeded, pollToSuccess };
}
