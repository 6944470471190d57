/**
 * Runs a client scenario as named steps and prints one JSON line per step:
 * `{"step": name, "ok": true|false, "detail": ...}`.
 *
 * Every step is attempted, in order, so one failure does not hide the steps after it;
 * a step whose prerequisites failed is reported as failed with the names it needed.
 * A step that throws reports the error, with the server's response where the error
 * carries one (`StepFailure.response`, or the `response` of an SDK error).
 */

const STEP_SECONDS = 180;

/** A failed expectation, with the HTTP response that broke it when there is one. */
export class StepFailure extends Error {
  constructor(message, response) {
    super(message);
    this.name = "StepFailure";
    this.response = response;
  }
}

/** Fails the current step with `message` (and the response, for the report) unless `condition` holds. */
export function expect(condition, message, response) {
  if (!condition) {
    throw new StepFailure(message, response);
  }
}

function describe(error) {
  const detail = { error: `${error.name}: ${error.message}` };
  if (error.response !== undefined) {
    detail.response = error.response;
  }
  if (error.statusCode !== undefined || error.code !== undefined) {
    detail.statusCode = error.statusCode;
    detail.code = error.code;
  }
  return detail;
}

function withinTime(promise, seconds) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StepFailure(`no result after ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `steps` (`{name, needs?, run}`; `run` returns the detail printed on success) and
 * exits with 0 when every step passed, 1 otherwise. The exit is explicit because a step
 * that timed out may still hold a pending request open.
 */
export async function runSteps(steps) {
  const failed = new Set();
  for (const { name, needs = [], run } of steps) {
    const missing = needs.filter((step) => failed.has(step));
    let line;
    if (missing.length > 0) {
      line = { step: name, ok: false, detail: `not run: needs ${missing.join(", ")}` };
    } else {
      try {
        line = { step: name, ok: true, detail: (await withinTime(run(), STEP_SECONDS)) ?? null };
      } catch (error) {
        line = { step: name, ok: false, detail: describe(error) };
      }
    }
    if (!line.ok) {
      failed.add(name);
    }
    console.log(JSON.stringify(line));
  }
  process.exit(failed.size === 0 ? 0 : 1);
}
