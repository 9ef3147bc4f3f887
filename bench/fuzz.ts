// The hostile generators of test/hostile, run for longer against one real server process:
//   bun bench/fuzz.ts [--seconds 60] [--max-requests 1000000] [--seed N]
// Prints how many requests it sent (in all and per route) and every distinct invariant violation,
// each with the smallest request fast-check shrank it to. Exit code 1 when anything was found.
import fc from "fast-check";
import { Harness } from "../test/hostile/harness";
import { BENCH_SIZES, hostileInputArb, type Dimension, type HostileInput } from "../test/hostile/generators";
import { describeRequest } from "../test/hostile/materialise";
import { exercise, fromApp } from "../test/hostile/invariants";
import { ROUTES, routeName } from "../test/hostile/routes";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number`);
  return value;
}

const seconds = flag("seconds", 60);
const maxRequests = flag("max-requests", 1_000_000);
let seed = flag("seed", Date.now() % 2_147_483_647);
const deadline = Date.now() + seconds * 1000;

const perRoute = new Map<string, number>(ROUTES.map((r) => [routeName(r), 0]));
let sent = 0;
/** Violation kind → the smallest failing request seen for it and its message. */
const found = new Map<string, { message: string; request: string; dimension: Dimension; seed: number }>();
/** Every kind seen so far, also those reported together with another one. */
const known = new Set<string>();

/** What kind of problem this is, without the values: one entry per kind in the report. */
const kindOf = (violation: string) =>
  violation
    .replace(/"(?:[^"\\]|\\.)*"/g, "…")
    .replace(/\d+/g, "N")
    .slice(0, 90);

const h = await Harness.start();
const DIMENSIONS: Dimension[] = ["all", "host", "cookie", "authorization", "framing", "origin", "body", "query", "method"];
let round = 0;
console.log(`fuzzing ${ROUTES.length} routes for ${seconds} s (at most ${maxRequests} requests), seed ${seed}`);

while (Date.now() < deadline && sent < maxRequests) {
  const dimension = DIMENSIONS[round++ % DIMENSIONS.length]!;
  const roundSeed = seed++;
  let lastFailure: { kinds: string[]; message: string; request: string } | null = null;
  const property = fc.asyncProperty(hostileInputArb(ROUTES, dimension, BENCH_SIZES), async (input: HostileInput) => {
    if (Date.now() >= deadline || sent >= maxRequests) return; // out of budget: pass, the round ends
    sent++;
    perRoute.set(routeName(input.route), (perRoute.get(routeName(input.route)) ?? 0) + 1);
    const outcome = await exercise(h, input);
    // Kinds already reported pass, so the budget goes to finding new ones instead of re-shrinking old ones.
    // Who answered is part of the kind: a 500 from our onError and Bun's own error page are different bugs.
    const by = `[${outcome.response.status === 0 ? "no answer" : fromApp(outcome.response) ? "app" : "Bun"} ${outcome.response.headers["content-type"]?.split(";")[0] ?? ""}]`;
    const kind = (v: string) => `${kindOf(v)} ${by}`;
    const fresh = outcome.violations.filter((v) => !known.has(kind(v)));
    if (fresh.length === 0) return;
    lastFailure = { kinds: fresh.map(kind), message: fresh.join("; "), request: describeRequest(outcome.request) };
    throw new Error(lastFailure.message);
  });
  const result = await fc.check(property, { numRuns: 200, seed: roundSeed, plugins: [fc.interruptAfterTimeLimit(Math.max(1, deadline - Date.now()))] });
  if (result.failed && lastFailure) {
    const failure: { kinds: string[]; message: string; request: string } = lastFailure;
    found.set(failure.kinds[0]!, { message: failure.message, request: failure.request, dimension, seed: roundSeed });
    for (const kind of failure.kinds) known.add(kind);
    console.log(`  found (${dimension}): ${failure.message.split("\n")[0]}`);
  }
}

await h.stop();
console.log(`\nrequests sent: ${sent} in ${seconds} s (${(sent / seconds).toFixed(1)}/s), server restarts after a crash: ${h.restarts}`);
console.log("per route:");
for (const [route, n] of [...perRoute].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(7)}  ${route}`);
console.log(`\ninvariant violations: ${found.size}`);
for (const [_kind, f] of found) {
  console.log(`\n- ${f.message.split("\n")[0]}\n  (dimension ${f.dimension}, seed ${f.seed}) minimal request:\n  ${f.request.replace(/\n/g, "\n  ")}`);
}
process.exit(found.size ? 1 : 0);
