// What a person can read and why, from the in-memory auth state: their groups (with where each
// membership came from) for /auth/me and /profile, and GET /api/users/{id}/access ("view as") —
// the datasets they can read, each with the group that grants it.
import type { AppContext } from "../../context";
import type { AuthUser } from "../../auth/auth-state";
import { NotFound } from "../../shared/errors";
import type { GroupRef, UserAccess } from "../../shared/groups";

export function groupRefsOf(ctx: Pick<AppContext, "authState">, user: AuthUser): GroupRef[] {
  return ctx.authState.groups.groupsOf(user).map(({ group, source }) => ({ id: group.id, name: group.name, source: group.source, membership: source }));
}

/** The names of the groups a user is in (the users page's row), from the in-memory state. */
export function groupNamesOf(ctx: Pick<AppContext, "authState">, userId: string): string[] {
  const user = ctx.authState.user(userId);
  return user ? ctx.authState.groups.groupsOf(user).map((g) => g.group.name) : [];
}

export function userAccess(ctx: AppContext, userId: string): UserAccess {
  const user = ctx.authState.user(userId);
  if (!user) throw new NotFound(`There is no user with id ${userId}`);
  const datasets: UserAccess["datasets"] = [];
  for (const row of ctx.data.all()) {
    const via = ctx.authState.groups.grantFor(user, row.name);
    if (via === null) continue;
    datasets.push({ name: row.name, via, via_name: via === "admin" ? "admin role" : (ctx.authState.groups.group(via)?.name ?? via) });
  }
  return { user_id: user.id, email: user.email, role: user.role, active: user.active, groups: groupRefsOf(ctx, user), datasets };
}
