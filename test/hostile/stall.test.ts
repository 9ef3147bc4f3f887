// A ~500 KB deeply nested JSON body posted to a public route must be refused (4xx) without taking the
// server away from everyone else. While it is in flight, /health requests go out at a steady pace
// (one every few ms, bounded in number); each must be answered, and nearly all of those sent while
// the big request was in flight must be answered while it still was: a blocked event loop answers
// none until it is done, so they pile up. The assertion is on counts and statuses only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Harness } from "./harness";
import { rawRequest, type RawResponse } from "./raw-http";

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(async () => {
  await h?.stop();
});

const DEPTH = 250_000; // "[" * 250k + "]" * 250k ≈ 500 KB
const bodies = {
  array: "[".repeat(DEPTH) + "]".repeat(DEPTH),
  object: `${'{"a":'.repeat(DEPTH / 2.5)}1${"}".repeat(DEPTH / 2.5)}`,
};
const ROUTES = ["/auth/token", "/login", "/setup", "/auth/password/reset"];
const MAX_HEALTH = 300;
const PACE_MS = 10;
/** Health requests that may be outstanding when the big one finishes (in flight on the wire, not stuck). */
const SLACK = 3;

async function whileInFlight(path: string, body: string) {
  let bigDone = false;
  let sentWhileInFlight = 0;
  let answeredWhileInFlight = 0;
  const health: Promise<number>[] = [];
  const big = rawRequest(
    h.port,
    {
      method: "POST",
      target: path,
      headers: [
        ["Host", `127.0.0.1:${h.port}`],
        ["Content-Type", "application/json"],
        ["Accept", "application/json"],
        ["Connection", "close"],
      ],
      body,
    },
    90_000,
  ).then((res: RawResponse) => {
    bigDone = true;
    return res;
  });
  while (!bigDone && health.length < MAX_HEALTH) {
    sentWhileInFlight++;
    health.push(
      rawRequest(
        h.port,
        {
          method: "GET",
          target: "/health",
          headers: [
            ["Host", `127.0.0.1:${h.port}`],
            ["Connection", "close"],
          ],
        },
        90_000,
      ).then((res) => {
        if (!bigDone && res.status === 200) answeredWhileInFlight++;
        return res.status;
      }),
    );
    await Promise.race([big, Bun.sleep(PACE_MS)]);
  }
  const response = await big;
  const statuses = await Promise.all(health);
  return { response, statuses, sentWhileInFlight, answeredWhileInFlight };
}

describe("a deeply nested body does not stall the server", () => {
  for (const path of ROUTES) {
    for (const [shape, body] of Object.entries(bodies)) {
      test(`POST ${path} with ${Math.round(body.length / 1024)} KB of nested ${shape}s`, async () => {
        const { response, statuses, sentWhileInFlight, answeredWhileInFlight } = await whileInFlight(path, body);
        // Health requests sent during the big one but answered only after it were stuck behind it.
        const stuck = sentWhileInFlight - answeredWhileInFlight;
        expect({
          answered: !response.timedOut,
          status: response.status >= 400 && response.status < 500 ? "4xx" : response.status,
          healthNotOk: statuses.filter((s) => s !== 200),
          healthStuckBehindBigRequest: stuck <= SLACK ? "none" : `${stuck} of ${sentWhileInFlight}`,
        }).toEqual({ answered: true, status: "4xx", healthNotOk: [], healthStuckBehindBigRequest: "none" });
        expect(await h.alive()).toBe(true);
      });
    }
  }
});
