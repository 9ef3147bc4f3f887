// `da login --device`, RFC 8628: `da` asks for a device code and a short user code, the person
// types the user code at /device in any signed-in browser and confirms, and `da` polls
// POST /auth/device/token until it gets its CLI session (or a refusal).
// - User codes: see user-code.ts. Wrong codes count against both the person's and the client
//   address's failure budgets, claimed before the look-up.
// - Device codes are 256 random bits, kept hashed; polling faster than `interval` is answered
//   `slow_down` and the interval grows by 5 s for that grant (RFC 8628 §3.5).
import { randomBytes } from "node:crypto";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { DeviceAuthorization, LoginResponse } from "../../shared/contract";
import { BadRequest } from "../../shared/errors";
import { clientName, GrantError, openCliSession, type ClientMeta } from "./cli-session";
import { assertBrowserSession } from "./loopback";
import { DEVICE_GRANT_TTL_MS, DEVICE_POLL_INTERVAL_S, SLOW_DOWN_STEP_S, type PendingGrants } from "./pending-grants";
import { formatUserCode, generateUserCode, normaliseUserCode } from "./user-code";

/** POST /auth/device/code. */
export function startDeviceGrant(grants: PendingGrants, rawClient: string | undefined, ip: string | null, baseUrl: string): DeviceAuthorization {
  const deviceCode = randomBytes(32).toString("base64url");
  const grant = {
    client: clientName(rawClient),
    ip,
    expiresAt: grants.now() + DEVICE_GRANT_TTL_MS,
    intervalS: DEVICE_POLL_INTERVAL_S,
    lastPollAt: null,
    status: "pending" as const,
    userId: null,
  };
  // A clash with a pending code is one in millions; draw again (bounded, it cannot loop forever).
  for (let attempt = 0; attempt < 5; attempt++) {
    const userCode = generateUserCode();
    if (!grants.addDevice(deviceCode, userCode, grant)) continue;
    const shown = formatUserCode(userCode);
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: `${baseUrl}/device`,
      verification_uri_complete: `${baseUrl}/device?user_code=${shown}`,
      expires_in: DEVICE_GRANT_TTL_MS / 1000,
      interval: DEVICE_POLL_INTERVAL_S,
    };
  }
  throw new Error("could not draw a free user code");
}

export const WRONG_USER_CODE = "That code is not right, or it has expired. Check the code your terminal shows.";

/** The pending grant a typed user code names, spending a failure slot when it names none. */
export function findDeviceGrant(ctx: AppContext, grants: PendingGrants, me: Principal, typed: string, ip: string | null) {
  assertBrowserSession(me);
  const claim = ctx.failures.claim([`device-user:${me.user.id}`, `device-ip:${ip ?? "unknown"}`], "wrong device codes");
  const code = normaliseUserCode(typed);
  const grant = code ? grants.deviceByCode(code) : undefined;
  if (!code || !grant) throw new BadRequest(WRONG_USER_CODE);
  ctx.failures.release(claim);
  return { code: formatUserCode(code), grant };
}

/** The person's answer on the confirm page; the next poll hears it. */
export async function decideDeviceGrant(
  ctx: AppContext,
  grants: PendingGrants,
  me: Principal,
  typed: string,
  approve: boolean,
  ip: string | null,
): Promise<{ client: string }> {
  const { grant } = findDeviceGrant(ctx, grants, me, typed, ip);
  grant.status = approve ? "approved" : "denied";
  grant.userId = me.user.id;
  grant.approvedBy = me.sessionId;
  const action = approve ? "auth.cli_approved" : "auth.cli_denied";
  await ctx.audit.record(ctx.db, {
    actor: { id: me.user.id, email: me.user.email },
    action,
    target: me.user.id,
    params: { client: grant.client, flow: "device" },
    ip,
  });
  return { client: grant.client };
}

/** POST /auth/device/token: pending, slow down, expired, denied, or the CLI session. */
export async function pollDeviceGrant(ctx: AppContext, grants: PendingGrants, deviceCode: string, meta: ClientMeta): Promise<LoginResponse> {
  // Device codes are 256 random bits and the look-up is synchronous, so only an unknown code spends
  // a failure slot: a neighbour's bad guesses from the same address never block a real sign-in.
  const grant = grants.device(deviceCode);
  if (!grant) {
    ctx.failures.claim([`device-token:${meta.ip ?? "unknown"}`], "unknown device codes");
    throw new GrantError("invalid_grant", "Unknown device code: run da login --device again");
  }
  const now = grants.now();
  if (grant.expiresAt <= now) {
    grants.removeDevice(deviceCode);
    throw new GrantError("expired_token", "The code expired before anyone confirmed it: run da login --device again");
  }
  if (grant.status === "denied") {
    grants.removeDevice(deviceCode);
    throw new GrantError("access_denied", "The sign-in was cancelled in the browser");
  }
  if (grant.status === "pending") {
    const tooSoon = grant.lastPollAt !== null && now - grant.lastPollAt < grant.intervalS * 1000;
    grant.lastPollAt = now;
    if (tooSoon) {
      grant.intervalS += SLOW_DOWN_STEP_S;
      throw new GrantError("slow_down", `Polling too fast: wait ${grant.intervalS} s between requests`, { interval: grant.intervalS });
    }
    throw new GrantError("authorization_pending", "Waiting for someone to enter the code and confirm in the browser");
  }
  // Approved: the grant is spent before the session is written, so two polls cannot both get one.
  grants.removeDevice(deviceCode);
  return openCliSession(ctx, { userId: grant.userId!, approvedBy: grant.approvedBy!, client: grant.client }, meta, "cli-device");
}
