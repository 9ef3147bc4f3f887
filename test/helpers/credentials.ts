// Every kind of credential a person can hold (CREDENTIAL_KINDS in src/modules/users/revocation.ts),
// made through the app as a person would, each with a single later use that says whether it still
// works. The revocation matrix tests (test/http/revocation-matrix.test.ts, test/sso/revocation.test.ts)
// make them all, cause an account event, then use them.
import { expect } from "bun:test";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { hashSecret } from "../../src/auth/pat-format";
import { insertInvitation } from "../../src/modules/invitations/repository";
import type { CredentialKind } from "../../src/modules/users/revocation";
import type { TestApp } from "./app";
import { connectApp, mcp, refresh } from "./oauth";

export type Browser = ReturnType<TestApp["browserWith"]>;
/** A single use of a credential made before the event: true when it worked. */
export type Check = () => Promise<boolean>;
export type Holder = {
  t: TestApp;
  victimId: string;
  /** An admin's bearer session, to issue reset links. */
  admin: string;
  /** A fresh browser session of the person. */
  session: () => Promise<Browser>;
  /** The session the event's author acts from (a one-time reveal waits there). */
  actor: Browser;
};

const bearerWorks = async (t: TestApp, token: string) => (await t.api("GET", "/auth/me", { token })).status === 200;

/** A browser session approves a `da` browser sign-in; the returned call redeems its code (once). */
export async function loopbackApprovedBy(t: TestApp, approver: Browser): Promise<() => Promise<Response>> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const fields = {
    port: "43210",
    state: randomBytes(16).toString("base64url"),
    code_challenge: challenge,
    code_challenge_method: "S256",
    client: "laptop",
    decision: "authorize",
  };
  const code = new URL((await approver.post("/cli/authorize", fields)).headers.get("location")!).searchParams.get("code");
  expect(code).toBeTruthy();
  return () => t.api("POST", "/auth/cli/token", { body: { code, code_verifier: verifier } });
}

/** A browser session approves a device code; the returned call polls for its session. */
export async function deviceApprovedBy(t: TestApp, approver: Browser): Promise<() => Promise<Response>> {
  const started = (await (await t.api("POST", "/auth/device/code", { body: { client_name: "ci" } })).json()) as { device_code: string; user_code: string };
  expect((await approver.post("/device", { user_code: started.user_code, decision: "authorize" })).status).toBe(303);
  return () => t.api("POST", "/auth/device/token", { body: { device_code: started.device_code } });
}

async function approveLoopback(h: Holder): Promise<Check> {
  const redeem = await loopbackApprovedBy(h.t, await h.session());
  return async () => (await redeem()).status === 200;
}

async function approveDevice(h: Holder): Promise<() => Promise<Response>> {
  return deviceApprovedBy(h.t, await h.session());
}

/** A connected app: works while either its access token answers at /mcp or its refresh token refreshes. */
async function oauthGrant(h: Holder): Promise<Check> {
  const { clientId, tokens } = await connectApp(h.t, await h.session());
  return async () => (await mcp(h.t, tokens.access_token, "tools/list")).status === 200 || (await refresh(h.t, clientId, tokens.refresh_token)).status === 200;
}

export const MAKE: Record<CredentialKind, (h: Holder) => Promise<Check>> = {
  oauth_grant: oauthGrant,
  browser_session: async (h) => {
    const { cookie } = await h.session();
    return async () => (await h.t.handle("/auth/me", { headers: { cookie } })).status === 200;
  },
  cli_session: async (h) => {
    const res = await (await approveDevice(h))();
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    return () => bearerWorks(h.t, access_token);
  },
  pat: async (h) => {
    const session = await h.session();
    const { token } = (await (await h.t.api("POST", "/auth/tokens", { token: session.token, body: { name: "ci" } })).json()) as { token: string };
    return () => bearerWorks(h.t, token);
  },
  loopback_code: approveLoopback,
  device_grant: async (h) => {
    const poll = await approveDevice(h);
    return async () => (await poll()).status === 200;
  },
  reset_link: async (h) => {
    const res = await h.t.api("POST", `/api/users/${h.victimId}/reset-password`, { token: h.admin });
    const { reset_token } = (await res.json()) as { reset_token: string };
    return async () => (await h.t.handle(`/auth/password/reset?token=${reset_token}`, { headers: { accept: "text/html" } })).status === 200;
  },
  // An open invitation the person issued. Written directly: only admins invite, and making the
  // person one here would itself be a role change, an event of the matrix.
  issued_invitation: async (h) => {
    const token = randomBytes(32).toString("base64url");
    const now = h.t.clock.now();
    const invitation = { id: randomUUID(), email: `invited-${randomUUID().slice(0, 8)}@example.com`, role: "viewer" as const, tokenHash: hashSecret(token) };
    await h.t.ctx.db.transaction((tx) =>
      insertInvitation(tx, { ...invitation, createdBy: h.victimId, createdAt: now, expiresAt: new Date(now.getTime() + 86_400_000) }),
    );
    return async () => (await h.t.handle(`/invite/${token}`, { headers: { accept: "text/html" } })).status === 200;
  },
  // A new token's one-time reveal, waiting in the session the event's author acts from.
  reveal: async (h) => {
    const posted = await h.actor.post("/profile/tokens", { name: "shown-once", expires_in_days: "30", "scope:all": "on" });
    const flash = posted.headers
      .getSetCookie()
      .find((c) => c.startsWith("flash="))!
      .split(";")[0]!;
    return async () => /agnes_pat_[A-Za-z0-9_-]{20,}/.test(await (await h.actor.get("/profile", flash)).text());
  },
};
