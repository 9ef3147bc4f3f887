// The OAuth twin of revocation-race.test.ts: authorization codes redeemed at the same moment as an
// event that ends the person's grants (a password set by an admin, a role change, a deactivation and
// reactivation). The token endpoint checked the consent's session and the account before its
// transaction, and wrote the grant inside it without looking again: a redemption queued behind the
// event's transaction created a grant the event never saw, and its tokens worked afterwards.
// Whatever order the database queue picks, no token from a code approved before the event may work.
// (Before the fix all 12 redemptions, checked while the event's transaction ran, got working tokens.)
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { authorizeFields, consent, mcp, pkce, redeem, refresh, registerClient, type Tokens } from "../helpers/oauth";

const VICTIM = "victim@example.com";
const PASSWORD = "victim-password-1";
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const EVENTS = {
  password_set_by_admin: (admin: string, id: string) =>
    t.api("POST", `/api/users/${id}/set-password`, { token: admin, body: { password: "victim-password-2" } }),
  role_change: (admin: string, id: string) => t.api("PATCH", `/api/users/${id}`, { token: admin, body: { role: "viewer" } }),
  deactivation: async (admin: string, id: string) => {
    await t.api("POST", `/api/users/${id}/deactivate`, { token: admin });
    return t.api("POST", `/api/users/${id}/activate`, { token: admin });
  },
};

test.each(Object.keys(EVENTS) as (keyof typeof EVENTS)[])("%s racing 12 code redemptions leaves no working OAuth token", async (event) => {
  const id = await t.createUser(VICTIM, PASSWORD, "analyst");
  const admin = await t.login();
  const browser = await t.browser(VICTIM, PASSWORD);
  const clientId = await registerClient(t);
  const pending: { code: string; verifier: string }[] = [];
  for (let i = 0; i < 12; i++) {
    const { verifier, challenge } = pkce();
    pending.push({ code: (await consent(browser, authorizeFields(clientId, challenge))).searchParams.get("code")!, verifier });
  }
  // The event first, the redemptions spread over the moments its transaction may commit in.
  const happened = EVENTS[event](admin, id);
  const results = await Promise.all(pending.map(async (p, i) => (await Bun.sleep(i % 4), redeem(t, clientId, p.code, p.verifier))));
  expect([200, 204]).toContain((await happened).status);
  const minted: Tokens[] = [];
  for (const res of results) if (res.status === 200) minted.push((await res.json()) as Tokens);
  for (const tokens of minted) {
    expect((await mcp(t, tokens.access_token, "tools/list")).status).toBe(401);
    expect((await refresh(t, clientId, tokens.refresh_token)).status).toBe(400);
  }
});
