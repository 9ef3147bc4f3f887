// The JSON side of accounts: POST /auth/token (sign in with a password), who am I, my sessions.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { LoginResponse, Me, Session } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { tokenRequestBody } from "./model";
import { signIn } from "./service";
import { listSessionsOf, loginResponse } from "./sessions";
import { groupRefsOf } from "../groups/access-report";

export function accountsApi(ctx: AppContext) {
  return new Elysia({ name: "accounts-api" })
    .use(authGuard(ctx))
    .post(
      "/auth/token",
      async ({ body, ip, request }): Promise<LoginResponse> => {
        const { user, session } = await signIn(ctx, { ...body, ip, userAgent: request.headers.get("user-agent") });
        return loginResponse(user, session);
      },
      { body: tokenRequestBody, clientIp: true },
    )
    .get(
      "/auth/me",
      ({ me }): Me => ({
        id: me.user.id,
        email: me.user.email,
        name: me.user.name,
        role: me.user.role,
        active: me.user.active,
        // The guard refuses OAuth access tokens here (they are for /mcp), so only these two remain.
        auth: me.via === "session" ? "session" : "pat",
        token_id: me.tokenId,
        expires_at: me.expiresAt?.toISOString() ?? null,
        groups: groupRefsOf(ctx, me.user),
        must_change_password: ctx.authState.mustChangePassword(me.user.id),
      }),
      { auth: { role: "user", scope: "profile:read" } },
    )
    .get(
      "/auth/sessions",
      async ({ me }): Promise<Session[]> => {
        const rows = await listSessionsOf(ctx, me.user.id);
        return rows.map((s) => ({
          id: s.id,
          kind: s.kind,
          name: s.name,
          created_at: s.created_at.toISOString(),
          expires_at: s.expires_at.toISOString(),
          last_seen_at: s.last_seen_at?.toISOString() ?? null,
          ip: s.ip,
          user_agent: s.user_agent,
          current: s.id === me.sessionId,
        }));
      },
      { auth: { role: "user", scope: "profile:read" } },
    );
}
