// Model-based test of "auth state cannot drift from the database": random sequences of account,
// session, token, group, membership, grant and OAuth grant operations go through app.handle, and after every step the live in-memory auth
// state must equal a fresh one loaded from the database the way createContext loads it.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { readAuthRecords } from "../../src/modules/accounts/auth-records";
import { AuthState } from "../../src/auth/auth-state";
import { steps, World, type Step } from "../helpers/auth-model";

const RUNS = 80;
const MAX_STEPS = 30;
// Each property run builds a fresh app (~0.1 s), so unbounded shrinking of a failure took minutes:
// after the first failure, at most this many smaller candidates are tried, then the smallest failing
// sequence found so far is reported.
const SHRINK_BUDGET = 150;

async function expectInSync(world: World, done: Step[]): Promise<void> {
  const now = world.t.clock.now();
  const fresh = AuthState.load(await readAuthRecords(world.t.ctx.db, now)).state;
  const live = world.t.ctx.authState.snapshot(now);
  const loaded = fresh.snapshot(now);
  if (!Bun.deepEquals(live, loaded)) {
    throw new Error(`auth state drifted from the database after ${JSON.stringify(done)}:\nlive   ${JSON.stringify(live)}\nloaded ${JSON.stringify(loaded)}`);
  }
}

/** Runs the sequence, a step marked `together` at the same time as the next, comparing after each. */
async function runSequence(world: World, sequence: Step[]): Promise<void> {
  for (let i = 0; i < sequence.length; i++) {
    const batch = sequence[i]!.together && i + 1 < sequence.length ? [sequence[i]!, sequence[++i]!] : [sequence[i]!];
    await Promise.all(batch.map((step) => world.run(step)));
    await expectInSync(world, batch);
    const failed = world.statuses.filter((status) => status >= 500);
    if (failed.length) throw new Error(`server error ${failed[0]} after ${JSON.stringify(batch)}`);
  }
}

test(`the auth state equals a fresh load after every step (${RUNS} sequences of up to ${MAX_STEPS} steps)`, async () => {
  let stepsRun = 0;
  let sessionsOpened = 0;
  let tokensMade = 0;
  let groupChanges = 0;
  let refreshes = 0;
  let shrinkRuns: number | null = null;
  await fc.assert(
    fc.asyncProperty(steps(MAX_STEPS), async (sequence) => {
      if (shrinkRuns !== null && ++shrinkRuns > SHRINK_BUDGET) return; // stop shrinking; the last failure stands
      const world = await World.create();
      try {
        await runSequence(world, sequence);
      } catch (error) {
        shrinkRuns ??= 0;
        throw error;
      } finally {
        await world.t.close();
      }
      stepsRun += sequence.length;
      sessionsOpened += world.sessions.length;
      tokensMade += world.tokens.length;
      groupChanges += world.groups.changes;
      refreshes += world.apps.apps.reduce((sum, app) => sum + app.refreshTokens.length - 1, 0);
    }),
    { numRuns: RUNS },
  );
  // The sequences did reach the states that matter, not only refusals.
  expect(stepsRun).toBeGreaterThan(RUNS);
  expect(sessionsOpened).toBeGreaterThan(0);
  expect(tokensMade).toBeGreaterThan(0);
  expect(groupChanges).toBeGreaterThan(0);
  expect(refreshes).toBeGreaterThan(0); // OAuth grants were connected and refreshed
});
