// `da admin …`: user management for admins, over /api/users (and /auth/admin/tokens, see admin-tokens.ts).
import { DEFAULT_ROLE, MIN_PASSWORD_LENGTH, ROLES, type ResetLink, type User } from "../../src/shared/contract";
import { JSON_FLAG, PAGING_FLAGS, YES_FLAG, type Command, type Group } from "../command";
import type { Context } from "../context";
import { CliError, UsageError } from "../errors";
import { done, formatTime, info, notePartialPage, printJson, printLine, printTable, success } from "../output";
import { askConfirm, askPassword, isInteractive, readSecretFromStdin } from "../prompts";
import { adminTokenGroup } from "./admin-tokens";
import { adminBackupGroup } from "./admin-backups";
import { adminDatasetsGroup } from "./admin-datasets";
import { adminGroupsGroup } from "./admin-groups";
import { adminUsersGroup } from "./admin-users";
import { findUser } from "./user-ref";
import { adminServiceAccountsGroup } from "./admin-service-accounts";

const USER_REF = "<id|email>";

/** A role given as an argument (flags check theirs through `choices`). */
function checkRole(role: string): void {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`unknown role "${role}"`, `roles: ${ROLES.join(", ")}`);
  }
}

function printUser(ctx: Context, user: User, message: string): void {
  if (ctx.json) return printJson(user);
  success(message);
}

const describe = (user: User) => `${user.email} (${user.role}${user.active ? "" : ", deactivated"})`;

async function listUsers(ctx: Context): Promise<void> {
  const status = ctx.flag("status");
  const paging = ctx.paging();
  const { items: users, total } = await ctx.api().getPage<User>("/api/users", {
    q: ctx.flag("search"),
    role: ctx.flag("role"),
    active: status === undefined ? undefined : status === "active",
    ...paging,
  });
  notePartialPage(users.length, paging.offset, total, "users");
  if (ctx.json) return printJson(users);
  printTable(
    users,
    [
      { header: "EMAIL", value: (u) => u.email },
      { header: "NAME", value: (u) => u.name || "-" },
      { header: "ROLE", value: (u) => u.role },
      { header: "STATUS", value: (u) => (u.active ? "active" : "DEACTIVATED") },
      { header: "LAST LOGIN", value: (u) => formatTime(u.last_login_at) },
      { header: "ID", value: (u) => u.id },
    ],
    "No users match.",
  );
}

async function addUser(ctx: Context): Promise<void> {
  const password = ctx.flags["password-stdin"] === true ? await readSecretFromStdin("password") : undefined;
  const body = { email: ctx.args[0], name: ctx.flag("name"), role: ctx.flag("role"), password };
  const user = await ctx.api().post<User>("/api/users", body);
  printUser(ctx, user, `Added ${describe(user)}, id ${user.id}`);
  if (!password && !ctx.json) info(`No password set: send them a link with \`da admin reset-password ${user.email}\`.`);
  if (password && !ctx.json) info("They must change this password when they first sign in (in a browser).");
}

async function setRole(ctx: Context): Promise<void> {
  const [ref, role] = ctx.args as [string, string];
  checkRole(role);
  const api = ctx.api();
  const user = await findUser(api, ref);
  const updated = await api.patch<User>(`/api/users/${user.id}`, { role });
  printUser(ctx, updated, `${updated.email} is now ${updated.role}`);
}

function setActive(active: boolean) {
  return async (ctx: Context): Promise<void> => {
    const api = ctx.api();
    const user = await findUser(api, ctx.args[0]!);
    const updated = await api.post<User>(`/api/users/${user.id}/${active ? "activate" : "deactivate"}`);
    printUser(ctx, updated, `${active ? "Activated" : "Deactivated"} ${updated.email}`);
  };
}

async function deleteUser(ctx: Context): Promise<void> {
  const api = ctx.api();
  const user = await findUser(api, ctx.args[0]!);
  if (ctx.flags.yes !== true) {
    if (!isInteractive()) throw new UsageError(`refusing to delete ${user.email} without confirmation`, "pass --yes");
    if (!(await askConfirm(`Delete ${describe(user)} and revoke their tokens? This cannot be undone.`))) {
      info("Nothing was changed.");
      return;
    }
  }
  await api.delete(`/api/users/${user.id}`);
  done(ctx.json, `Deleted ${user.email}`, { deleted: true, id: user.id, email: user.email });
}

async function resetPassword(ctx: Context): Promise<void> {
  const api = ctx.api();
  const user = await findUser(api, ctx.args[0]!);
  const link = await api.post<ResetLink>(`/api/users/${user.id}/reset-password`);
  if (ctx.json) return printJson(link);
  info(`Password reset link for ${user.email} (single use, valid 24 h${link.email_sent ? ", also emailed" : ""}):`);
  printLine(link.reset_url);
}

async function askNewPassword(email: string): Promise<string> {
  const password = await askPassword(`New password for ${email}`, (v) =>
    (v ?? "").length >= MIN_PASSWORD_LENGTH ? undefined : `Enter at least ${MIN_PASSWORD_LENGTH} characters`,
  );
  const again = await askPassword("Repeat it");
  if (again !== password) throw new CliError("the passwords do not match; nothing was changed");
  return password;
}

async function setPassword(ctx: Context): Promise<void> {
  const api = ctx.api();
  const fromStdin = ctx.flags["password-stdin"] === true;
  if (!fromStdin && !isInteractive()) {
    throw new UsageError("missing password", "pipe it in with --password-stdin (no terminal to ask on)");
  }
  const user = await findUser(api, ctx.args[0]!);
  const password = fromStdin ? await readSecretFromStdin("password") : await askNewPassword(user.email);
  await api.post(`/api/users/${user.id}/set-password`, { password });
  done(ctx.json, `Password changed for ${user.email}; their sessions have been ended`, { password_set: true, id: user.id, email: user.email });
}

const PASSWORD_STDIN = { "password-stdin": { type: "boolean", description: "read the password from stdin" } } as const;

function userCommand(name: string, summary: string, run: Command["run"], extra: Partial<Command> = {}): Command {
  return { kind: "command", name, summary, args: USER_REF, minArgs: 1, maxArgs: 1, flags: JSON_FLAG, run, ...extra };
}

export const adminGroup: Group = {
  kind: "group",
  name: "admin",
  summary: "Manage users and everyone's tokens (admin role)",
  children: [
    {
      kind: "command",
      name: "list-users",
      summary: "List users: email, name, role, active/DEACTIVATED, id",
      maxArgs: 0,
      flags: {
        search: { type: "string", valueName: "text", description: "only users whose email or name contains this" },
        role: { type: "string", choices: ROLES, description: "only users with this role" },
        status: { type: "string", choices: ["active", "deactivated"], description: "only active or deactivated users" },
        ...PAGING_FLAGS,
        ...JSON_FLAG,
      },
      run: listUsers,
    },
    userCommand("add-user", `Add a user (role defaults to ${DEFAULT_ROLE})`, addUser, {
      args: "<email>",
      flags: {
        name: { type: "string", description: "display name" },
        role: { type: "string", choices: ROLES, description: `their role (default ${DEFAULT_ROLE})` },
        ...PASSWORD_STDIN,
        ...JSON_FLAG,
      },
    }),
    userCommand("set-role", `Change a user's role (${ROLES.join(", ")})`, setRole, { args: `${USER_REF} <role>`, minArgs: 2, maxArgs: 2 }),
    userCommand("activate", "Let a deactivated user sign in again", setActive(true)),
    userCommand("deactivate", "Lock a user out at once (sessions and tokens stop working)", setActive(false)),
    userCommand("delete-user", "Delete a user and revoke their tokens (asks to confirm unless --yes)", deleteUser, { flags: { ...YES_FLAG, ...JSON_FLAG } }),
    userCommand("reset-password", "Print a single-use password reset link", resetPassword),
    userCommand("set-password", "Set a user's password (hidden, confirmed prompt)", setPassword, { flags: { ...PASSWORD_STDIN, ...JSON_FLAG } }),
    adminUsersGroup,
    adminTokenGroup,
    adminBackupGroup,
    adminDatasetsGroup,
    adminGroupsGroup,
    adminServiceAccountsGroup,
  ],
};
