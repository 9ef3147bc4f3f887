// /profile: who you are, your tokens (create with a one-time reveal, revoke with a confirmation
// step), your sessions, and your password. Forms post here and are answered POST → 303 → GET with a
// flash. All of it needs a signed-in session: a personal access token cannot manage the account.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { formAction, pageContext, type PageContext } from "../../http/page";
import { listSessionsOf } from "../accounts/sessions";
import { listConnectedApps } from "../oauth/grants";
import { confirmForm, confirmPath, unconfirmed } from "../../http/confirm-form";
import { profileConfirmPages } from "./confirm-pages";
import { blockedUsesOf, createToken, getOwnToken, lifetimeFromForm, lifetimeOptions, listOwnTokensForPage, revokeToken } from "../tokens/service";
import { ProfilePage } from "../../../views/profile/profile-page";
import { TokenRevokePage } from "../../../views/tokens/token-revoke-page";
import { cidrsFromForm, createTokenForm, passwordForm, scopesFromForm, sessionIdParams, tokenIdParams } from "./model";
import { changeOwnPassword, endOtherSessions, endOwnSession } from "./service";
import { groupRefsOf } from "../groups/access-report";

// All of /profile needs a signed-in session: a personal access token cannot manage the account.
// A fresh object per route: Elysia consumes a route's macro options when it applies them.
const session = () => ({ auth: "user" as const, sessionOnly: true });

/** Create a token (shown once) and revoke one, with a confirmation step that works without JavaScript. */
function profileTokenForms(ctx: AppContext) {
  const revokeConfirm = async (page: PageContext, me: Principal, id: string) => {
    const token = await getOwnToken(ctx, me.user.id, id);
    return <TokenRevokePage page={page} scope="own" token={token} />;
  };
  return new Elysia({ name: "profile-tokens" })
    .use(authGuard(ctx))
    .post(
      "/profile/tokens",
      async ({ me, body, ip, set, cookie }) => {
        return formAction(ctx, { set, cookie }, "/profile#tokens", async () => {
          const input = {
            name: body.name ?? "",
            expiresInDays: lifetimeFromForm(body.expires_in_days),
            scopes: scopesFromForm(body),
            allowedCidrs: cidrsFromForm(body.allowed_cidrs),
          };
          const created = await createToken(ctx, me, input, ip);
          // The flash carries only the reveal's id; the token stays in server memory until shown once.
          const reveal = ctx.reveals.put(me.sessionId!, me.user.id, created.token);
          return { kind: "ok", message: `Token "${created.name}" created.`, reveal };
        });
      },
      { ...session(), clientIp: true, body: createTokenForm },
    )
    .get("/profile/tokens/:id/revoke", ({ me, cookie, params }) => revokeConfirm(pageContext(ctx, me, cookie), me, params.id), {
      ...session(),
      params: tokenIdParams,
    })
    .post(
      "/profile/tokens/:id/revoke",
      async ({ me, cookie, params, body, ip, set }) => {
        if (body.confirm !== "yes") return revokeConfirm(pageContext(ctx, me, cookie), me, params.id);
        return formAction(ctx, { set, cookie }, "/profile#tokens", async () => {
          const { name } = await revokeToken(ctx, me, params.id, { ownerOnly: true, ip });
          return `Token "${name}" revoked. Anything using it is refused from now on.`;
        });
      },
      { ...session(), clientIp: true, params: tokenIdParams, body: confirmForm },
    );
}

/** /profile: who you are, your tokens (with refused uses from outside their networks), your sessions, connected apps. */
async function profilePage(ctx: AppContext, me: Principal, page: PageContext) {
  const revealed = me.sessionId ? ctx.reveals.take(me.sessionId, page.flash?.reveal) : null;
  const [{ tokens, olderInactive }, sessions, connectedApps] = await Promise.all([
    listOwnTokensForPage(ctx, me.user.id),
    listSessionsOf(ctx, me.user.id),
    listConnectedApps(ctx, me.user.id),
  ]);
  const blocked = await blockedUsesOf(ctx, tokens);
  const props = {
    page,
    me,
    revealed,
    tokens,
    olderInactiveTokens: olderInactive,
    sessions,
    connectedApps,
    lifetimes: lifetimeOptions(ctx),
    now: ctx.clock.now(),
    groups: groupRefsOf(ctx, me.user),
    blocked,
  };
  return <ProfilePage {...props} />;
}

export function profileModule(ctx: AppContext) {
  return new Elysia({ name: "profile" })
    .use(authGuard(ctx))
    .use(profileTokenForms(ctx))
    .use(profileConfirmPages(ctx))
    .get("/profile", ({ me, cookie }) => profilePage(ctx, me, pageContext(ctx, me, cookie)), session())
    .post(
      "/profile/password",
      ({ me, body, ip, set, cookie }) =>
        formAction(ctx, { set, cookie }, "/profile#password", async () => {
          const input = { current: body.current_password ?? "", next: body.new_password ?? "", confirm: body.new_password_confirm ?? "" };
          const { sessionsEnded } = await changeOwnPassword(ctx, me, input, ip);
          return `Password changed.${sessionsEnded ? ` ${sessionsEnded} other session(s) signed out.` : ""}`;
        }),
      { ...session(), clientIp: true, body: passwordForm },
    )
    .post(
      "/profile/sessions/end-others",
      ({ me, ip, set, cookie, body }) =>
        unconfirmed(body, set, confirmPath("/profile/sessions/end-others")) ??
        formAction(ctx, { set, cookie }, "/profile#sessions", async () => `${await endOtherSessions(ctx, me, ip)} other session(s) signed out.`),
      {
        ...session(),
        clientIp: true,
        body: confirmForm,
      },
    )
    .post(
      "/profile/sessions/:id/end",
      ({ me, params, ip, set, cookie, body }) =>
        unconfirmed(body, set, confirmPath(`/profile/sessions/${encodeURIComponent(params.id)}/end`)) ??
        formAction(ctx, { set, cookie }, "/profile#sessions", async () => {
          await endOwnSession(ctx, me, params.id, ip);
          return "Session signed out.";
        }),
      { ...session(), clientIp: true, params: sessionIdParams, body: confirmForm },
    );
}
