// /admin/users/{id}: one person's page (every action on them, their sessions, tokens, groups and
// recent audit entries), and the confirmation pages of its risky actions (GET …/confirm renders,
// the POST in pages.tsx acts; src/http/confirm-form.ts). Reads only: no write on a GET.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { PersonPage } from "../../../views/users/person-page";
import { listSessionsOf } from "../accounts/sessions";
import { listOwnTokens } from "../tokens/service";
import { groupRefsOf } from "../groups/access-report";
import { signInMethodsOf } from "../sso/sign-in-methods";
import { describeEntries } from "../audit/readable";
import { getUser } from "./service";
import { userIdParams } from "./model";
import { takeRevealedLink } from "./reveal";
import { confirmationPages } from "./confirm-pages";

const RECENT_ENTRIES = 15;

async function personPage(ctx: AppContext, me: Principal, cookie: Parameters<typeof pageContext>[2], id: string) {
  const user = await getUser(ctx, id);
  const page = pageContext(ctx, me, cookie);
  const authUser = ctx.authState.user(user.id);
  const [signIns, sessions, tokens, audit] = await Promise.all([
    signInMethodsOf(ctx, [user.id]),
    listSessionsOf(ctx, user.id),
    listOwnTokens(ctx, user.id),
    ctx.audit.list(ctx.db, { person: { id: user.id, email: user.email }, limit: RECENT_ENTRIES, offset: 0 }),
  ]);
  return (
    <PersonPage
      page={page}
      user={user}
      self={user.id === me.user.id}
      signIn={signIns[user.id]}
      linkProviders={ctx.config.sso.providers.map((p) => ({ id: p.id, label: p.label }))}
      groups={authUser ? groupRefsOf(ctx, authUser) : []}
      sessions={sessions}
      tokens={tokens}
      audit={describeEntries(ctx, audit.entries)}
      revealedLink={takeRevealedLink(ctx, me, page.flash?.reveal)}
    />
  );
}

export function personPages(ctx: AppContext) {
  return new Elysia({ name: "users-person-pages" })
    .use(authGuard(ctx))
    .use(confirmationPages(ctx))
    .get("/admin/users/:id", ({ me, cookie, params }) => personPage(ctx, me, cookie, params.id), {
      auth: { role: "admin", scope: "users:read" },
      params: userIdParams,
    });
}
