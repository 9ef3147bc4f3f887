// A token's state is defined once in TypeScript (tokenState in the contract, used by the API, the
// pages and `da`) and once in SQL (the repository's filters and the auth state's start-up load).
// Random tokens must land in the same state both ways.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "../../src/db/database";
import { migrate } from "../../src/db/migrate";
import { insertToken, listAllTokens, listLiveTokens, setTokenRevoked, countActiveTokensOfUser } from "../../src/modules/tokens/repository";
import { TOKEN_STATES, tokenState } from "../../src/shared/contract";

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "agnes-token-state-"));
  db = await Database.open(join(dir, "db.duckdb"));
  await migrate(db);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date("2026-06-01T12:00:00.000Z");
const HOUR = 3_600_000;
const offsetHours = fc.integer({ min: -48, max: 48 });
const tokenSpec = fc.record({
  expires: fc.option(offsetHours, { nil: null }),
  revoked: fc.option(offsetHours, { nil: null }),
});

test("SQL and tokenState() agree on every token's state", async () => {
  expect(TOKEN_STATES.length).toBeGreaterThan(0);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(tokenSpec, { minLength: 1, maxLength: 12 }), async (specs) => {
      const user = `user-${run++}`;
      const expected = new Map<string, string>();
      for (const [i, spec] of specs.entries()) {
        const id = `${user}-${i}`;
        const expiresAt = spec.expires === null ? null : new Date(NOW.getTime() + spec.expires * HOUR);
        const revokedAt = spec.revoked === null ? null : new Date(NOW.getTime() + Math.min(spec.revoked, 0) * HOUR);
        await db.transaction(async (tx) => {
          await insertToken(tx, {
            id,
            userId: user,
            name: "t",
            tokenHash: `hash-${id}`,
            prefix: "p",
            createdAt: new Date(NOW.getTime() - 100 * HOUR),
            expiresAt,
            scopes: ["all"],
            allowedCidrs: [],
          });
          if (revokedAt) await setTokenRevoked(tx, id, revokedAt);
        });
        expected.set(id, tokenState({ revoked_at: revokedAt?.toISOString() ?? null, expires_at: expiresAt?.toISOString() ?? null }, NOW));
      }
      for (const state of TOKEN_STATES) {
        const { rows } = await listAllTokens(db, { user, state, now: NOW, limit: 500, offset: 0 });
        expect(rows.map((r) => r.id).sort()).toEqual(
          [...expected]
            .filter(([, s]) => s === state)
            .map(([id]) => id)
            .sort(),
        );
      }
      const live = (await listLiveTokens(db, NOW))
        .filter((t) => t.user_id === user)
        .map((t) => t.id)
        .sort();
      const active = [...expected]
        .filter(([, s]) => s === "active")
        .map(([id]) => id)
        .sort();
      expect(live).toEqual(active);
      expect(await countActiveTokensOfUser(db, user, NOW)).toBe(active.length);
    }),
    { numRuns: 40 },
  );
});
