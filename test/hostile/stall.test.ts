// A ~500 KB deeply nested JSON body posted to a public route must be refused (4xx) without taking the
// server away from everyone else. While it is in flight, /health requests go out at a steady pace
// (one every few ms, bounded in number); each must be answered, and none sent well before the big one
// finished may wait for it: a blocked event loop answers none until it is done, so they pile up.
// The assertion is on counts and statuses only.
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
/**
 * A health request counts as stuck only if it was sent this long before the big one finished and still
 * waited for it: a blocked event loop holds requests for the whole parse (seconds, before the fix),
 * while on a busy machine a request sent just before the end may simply still be on the wire.
 */
const IN_FLIGHT_GRACE_MS = 100;

async function whileInFlight(path: string, body: string) {
  let bigDone = false;
  let bigDoneAt = 0;
  const sentAt: number[] = [];
  const answeredAt: number[] = [];
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
    bigDoneAt = performance.now();
    return res;
  });
  while (!bigDone && health.length < MAX_HEALTH) {
    const index = sentAt.push(performance.now()) - 1;
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
        answeredAt[index] = performance.now();
        return res.status;
      }),
    );
    await Promise.race([big, Bun.sleep(PACE_MS)]);
  }
  const response = await big;
  const statuses = await Promise.all(health);
  const stuck = sentAt.filter((at, i) => at < bigDoneAt - IN_FLIGHT_GRACE_MS && (answeredAt[i] ?? Infinity) > bigDoneAt).length;
  return { response, statuses, stuck, sent: sentAt.length };
}

describe("a deeply nested body does not stall the server", () => {
  for (const path of ROUTES) {
    for (const [shape, body] of Object.entries(bodies)) {
      test(`POST ${path} with ${Math.round(body.length / 1024)} KB of nested ${shape}s`, async () => {
        const { response, statuses, stuck, sent } = await whileInFlight(path, body);
        expect({
          answered: !response.timedOut,
          status: response.status >= 400 && response.status < 500 ? "4xx" : response.status,
          healthNotOk: statuses.filter((s) => s !== 200),
          healthStuckBehindBigRequest: stuck === 0 ? "none" : `${stuck} of ${sent}`,
        }).toEqual({ answered: true, status: "4xx", healthNotOk: [], healthStuckBehindBigRequest: "none" });
        expect(await h.alive()).toBe(true);
      });
    }
  }
});
