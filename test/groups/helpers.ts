// Shared steps for the groups tests: an app whose new datasets are granted to nobody (so grants
// matter), an analyst with a PAT, and small wrappers for the groups API.
import type { Group } from "../../src/shared/groups";
import { createTestApp, type TestApp } from "../helpers/app";
import { patFor } from "../data/helpers";

export async function groupsWorld(env: Record<string, string> = { DATASET_DEFAULT_GRANT: "none" }) {
  const t = await createTestApp({ env });
  const admin = await t.login();
  const analystId = await t.createUser("ann@example.com", "ann-password-1", "analyst", "Ann");
  const analystSession = await t.login("ann@example.com", "ann-password-1");
  const analystPat = await patFor(t, analystSession);
  return { t, admin, analystId, analystSession, analystPat };
}

export async function makeGroup(t: TestApp, admin: string, name: string): Promise<Group> {
  const res = await t.api("POST", "/api/groups", { token: admin, body: { name } });
  if (res.status !== 201) throw new Error(`group ${name}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Group;
}

export const manifestNames = async (t: TestApp, token: string) => {
  const res = await t.api("GET", "/api/sync/manifest", { token });
  if (res.status !== 200) throw new Error(`manifest: ${res.status}`);
  return Object.keys(((await res.json()) as { tables: Record<string, unknown> }).tables).sort();
};

export const auditOf = (t: TestApp, action: string) =>
  t.ctx.db.query<{ target: string; params: string }>("SELECT target, params FROM audit_log WHERE action = $1 ORDER BY created_at, id", [action]);
