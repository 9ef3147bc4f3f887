// The confirmation pages of /profile's risky actions (src/http/confirm-form.ts): signing out one
// session, signing out everywhere else, and disconnecting an app. GET …/confirm renders; the POST
// beside each action acts only with confirm=yes.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { NotFound } from "../../shared/errors";
import { ConfirmPage } from "../../../views/ui/confirm-page";
import { listSessionsOf } from "../accounts/sessions";
import { listConnectedApps } from "../oauth/grants";

const session = () => ({ auth: "user" as const, sessionOnly: true });
const idParams = z.object({ id: z.string().max(100) });
const when = (at: Date | string | null) => (at ? `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC` : "not yet");

type Me = Principal;
type Cookies = Parameters<typeof pageContext>[2];

async function sessionEndConfirm(ctx: AppContext, me: Me, cookie: Cookies, id: string) {
  const found = (await listSessionsOf(ctx, me.user.id)).find((s) => s.id === id && s.id !== me.sessionId);
  if (!found) throw new NotFound("Session not found (it may have ended already)");
  const details: [string, string][] = [
    ["Session", found.kind === "cli" ? (found.name ?? "da") : (found.user_agent ?? "browser")],
    ["Started", when(found.created_at)],
    ["Last seen", when(found.last_seen_at)],
    ["Address", found.ip ?? "unknown"],
  ];
  return (
    <ConfirmPage
      page={pageContext(ctx, me, cookie)}
      title="Sign out a session"
      question="Whoever uses this session is signed out at once and must sign in again."
      details={details}
      action={`/profile/sessions/${encodeURIComponent(found.id)}/end`}
      confirmLabel="Sign it out"
      cancelHref="/profile#sessions"
      section="profile"
    />
  );
}

async function endOthersConfirm(ctx: AppContext, me: Me, cookie: Cookies) {
  const others = (await listSessionsOf(ctx, me.user.id)).filter((s) => s.id !== me.sessionId).length;
  return (
    <ConfirmPage
      page={pageContext(ctx, me, cookie)}
      title="Sign out everywhere else"
      question={`Your ${others} other session(s) — other browsers and da on other machines — are signed out at once. This one stays signed in; your tokens keep working.`}
      action="/profile/sessions/end-others"
      confirmLabel="Sign out everywhere else"
      cancelHref="/profile#sessions"
      section="profile"
    />
  );
}

async function appRevokeConfirm(ctx: AppContext, me: Me, cookie: Cookies, id: string) {
  const app = (await listConnectedApps(ctx, me.user.id)).find((a) => a.id === id);
  if (!app) throw new NotFound("No such connected app");
  return (
    <ConfirmPage
      page={pageContext(ctx, me, cookie)}
      title="Disconnect an app"
      heading={`Disconnect ${app.client_name}?`}
      question="It is refused from now on; to use it again you connect it again."
      details={[
        ["Connected", when(app.created_at)],
        ["May", app.scopes.join(", ")],
      ]}
      action={`/profile/connected-apps/${encodeURIComponent(app.id)}/revoke`}
      confirmLabel="Disconnect"
      cancelHref="/profile#connected-apps"
      section="profile"
    />
  );
}

export function profileConfirmPages(ctx: AppContext) {
  return new Elysia({ name: "profile-confirm-pages" })
    .use(authGuard(ctx))
    .get("/profile/sessions/:id/end/confirm", ({ me, cookie, params }) => sessionEndConfirm(ctx, me, cookie, params.id), { ...session(), params: idParams })
    .get("/profile/sessions/end-others/confirm", ({ me, cookie }) => endOthersConfirm(ctx, me, cookie), session())
    .get("/profile/connected-apps/:id/revoke/confirm", ({ me, cookie, params }) => appRevokeConfirm(ctx, me, cookie, params.id), {
      ...session(),
      params: idParams,
    });
}
