// Signing `da` in without typing a password into a terminal: the browser flow (/cli/authorize →
// 127.0.0.1 callback → POST /auth/cli/token) and the device flow (POST /auth/device/code → /device
// → POST /auth/device/token). Pending grants live in memory (pending-grants.ts explains why).
// Approving needs a browser session (cookie, so CSRF-checked); a token cannot approve.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { BadRequest, HttpError } from "../../shared/errors";
import { pageContext, redirectWithFlash } from "../../http/page";
import { publicBaseUrl } from "../../http/public-url";
import { PAGE_HEADERS } from "../../http/security-headers";
import { AuthorizeCliPage } from "../../../views/cli-auth/authorize-cli-page";
import { DevicePage } from "../../../views/cli-auth/device-page";
import { GrantError, type ClientMeta } from "./cli-session";
import { decideDeviceGrant, findDeviceGrant, pollDeviceGrant, startDeviceGrant } from "./device";
import { assertBrowserSession, decideLoopback, parseAuthorizeRequest, redeemLoopbackCode, type AuthorizeRequest } from "./loopback";
import { authorizeForm, authorizeQuery, cliTokenBody, deviceCodeBody, deviceForm, deviceQuery, deviceTokenBody } from "./model";
import { PendingGrants } from "./pending-grants";

type SetLike = { status?: number | string; headers: Record<string, string | number> };
type CookieJar = Parameters<typeof pageContext>[2];

/** The token endpoints answer refusals as RFC 6749 §5.2 does: `error`, plus our `detail`. */
async function grantReply<T>(set: SetLike, work: () => Promise<T>): Promise<T | Record<string, string | number>> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof GrantError)) throw error;
    set.status = error.status;
    return { error: error.error, detail: error.message, ...error.extra };
  }
}

/** The confirm page's form posts, then redirects to `da` on this machine: the CSP must allow that one origin. */
function cspAllowingCallback(port: number): string {
  return PAGE_HEADERS["content-security-policy"]!.replace("form-action 'self'", `form-action 'self' http://127.0.0.1:${port}`);
}

function authorizeFields(req: AuthorizeRequest): [string, string][] {
  return [
    ["port", String(req.port)],
    ["state", req.state],
    ["code_challenge", req.challenge],
    ["code_challenge_method", "S256"],
    ["client", req.client],
  ];
}

function decisionOf(value: string | undefined): boolean {
  if (value === "authorize") return true;
  if (value === "cancel") return false;
  throw new BadRequest("Choose Authorize or Cancel");
}

const meta = (ip: string | null, request: Request): ClientMeta => ({ ip, userAgent: request.headers.get("user-agent") });
const browser = { auth: "user" as const, sessionOnly: true };

/** POST /device: a typed code → the confirm page; a decision → back to /device with a message. */
async function deviceStep(
  ctx: AppContext,
  grants: PendingGrants,
  me: Principal,
  body: { user_code?: string; decision?: string },
  reply: { ip: string | null; set: SetLike; cookie: CookieJar },
) {
  const { ip, set, cookie } = reply;
  const typed = body.user_code ?? "";
  try {
    if (body.decision === undefined) {
      const { code, grant } = findDeviceGrant(ctx, grants, me, typed, ip);
      const page = pageContext(ctx, me, cookie);
      return <AuthorizeCliPage page={page} client={grant.client} userCode={code} action="/device" hidden={[["user_code", code]]} />;
    }
    const approve = decisionOf(body.decision);
    const { client } = await decideDeviceGrant(ctx, grants, me, typed, approve, ip);
    const message = approve
      ? `da on ${client} is signed in. You can close this tab and go back to your terminal.`
      : `Cancelled: da on ${client} was not signed in.`;
    return redirectWithFlash(ctx, set, cookie, "/device", { kind: approve ? "ok" : "error", message });
  } catch (error) {
    if (!(error instanceof HttpError) || ![400, 429].includes(error.status)) throw error;
    set.status = error.status;
    Object.assign(set.headers, error.headers);
    return <DevicePage page={pageContext(ctx, me, cookie)} userCode={typed} error={error.message} />;
  }
}

export function cliAuthModule(ctx: AppContext) {
  const grants = new PendingGrants(ctx.clock);
  return new Elysia({ name: "cli-auth" }).use(loopbackRoutes(ctx, grants)).use(deviceRoutes(ctx, grants));
}

/** `da login` through the browser: the confirm page, the decision, and the code's redemption. */
function loopbackRoutes(ctx: AppContext, grants: PendingGrants) {
  return new Elysia({ name: "cli-auth-loopback" })
    .use(authGuard(ctx))
    .get(
      "/cli/authorize",
      ({ me, query, cookie, set }) => {
        const req = parseAuthorizeRequest(query);
        assertBrowserSession(me);
        set.headers["content-security-policy"] = cspAllowingCallback(req.port);
        return <AuthorizeCliPage page={pageContext(ctx, me, cookie)} client={req.client} action="/cli/authorize" hidden={authorizeFields(req)} />;
      },
      { ...browser, query: authorizeQuery },
    )
    .post(
      "/cli/authorize",
      async ({ me, body, ip, set }) => {
        const req = parseAuthorizeRequest(body);
        set.status = 303;
        set.headers.location = await decideLoopback(ctx, grants, me, req, decisionOf(body.decision), ip);
        return "";
      },
      { ...browser, clientIp: true, body: authorizeForm },
    )
    .post("/auth/cli/token", ({ body, ip, request, set }) => grantReply(set, () => redeemLoopbackCode(ctx, grants, body, meta(ip, request))), {
      body: cliTokenBody,
      clientIp: true,
    });
}

/** `da login --device`: the code pair, the token endpoint's polls, and /device in a browser. */
function deviceRoutes(ctx: AppContext, grants: PendingGrants) {
  return new Elysia({ name: "cli-auth-device" })
    .use(authGuard(ctx))
    .post("/auth/device/code", ({ body, ip, request }) => startDeviceGrant(grants, body.client_name, ip, publicBaseUrl(request, ctx.config)), {
      body: deviceCodeBody,
      clientIp: true,
    })
    .post("/auth/device/token", ({ body, ip, request, set }) => grantReply(set, () => pollDeviceGrant(ctx, grants, body.device_code, meta(ip, request))), {
      body: deviceTokenBody,
      clientIp: true,
    })
    .get(
      "/device",
      ({ me, query, cookie }) => {
        assertBrowserSession(me);
        return <DevicePage page={pageContext(ctx, me, cookie)} userCode={query.user_code} />;
      },
      { ...browser, query: deviceQuery },
    )
    .post("/device", ({ me, body, ip, set, cookie }) => deviceStep(ctx, grants, me, body, { ip, set, cookie }), {
      ...browser,
      clientIp: true,
      body: deviceForm,
    });
}
