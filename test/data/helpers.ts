// Shared steps for the data tests: a test app with datasets stored through the real store.
import { writeFileSync } from "node:fs";
import type { Principal } from "../../src/auth/principal";
import type { AppContext } from "../../src/context";
import { storeDataset } from "../../src/modules/data/datasets";
import { newUploadPath } from "../../src/modules/data/files";
import type { TestApp } from "../helpers/app";

/** The bootstrap admin as a principal, for calling services directly. */
export function adminPrincipal(ctx: AppContext): Principal {
  const user = ctx.authState.snapshot(ctx.clock.now()).users.find((u) => u.role === "admin")!;
  return { user, via: "session", sessionId: null, sessionKind: null, tokenId: null, scopes: null, fromCookie: false, expiresAt: null, oauth: null };
}

/** Stores `csv` as dataset `name` through the real store (conversion, sandbox rebuild). */
export async function storeCsv(t: TestApp, name: string, csv: string): Promise<void> {
  const file = await newUploadPath(t.ctx.config.data.datasetsDir);
  writeFileSync(file, csv);
  await storeDataset(t.ctx, { me: adminPrincipal(t.ctx), ip: null }, name, file, false);
}

export async function patFor(t: TestApp, session: string): Promise<string> {
  const res = await t.api("POST", "/auth/tokens", { token: session, body: { name: "data" } });
  if (res.status !== 201) throw new Error(`token: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export const query = (t: TestApp, token: string | undefined, sql: string, limit?: number) =>
  t.api("POST", "/api/query", { token, body: limit === undefined ? { sql } : { sql, limit } });
