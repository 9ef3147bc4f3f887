// `da admin users access|invite|invitations|resend-invitation|revoke-invitation`: invitations (admin role),
// over /api/invitations. The link comes back once, as the API gives it; it is also emailed when the
// server has SMTP.
import { DEFAULT_ROLE, ROLES, type CreatedInvitation, type Invitation } from "../../src/shared/contract";
import { JSON_FLAG, type Group } from "../command";
import type { Context } from "../context";
import { done, formatTime, info, printJson, printLine, printTable, success } from "../output";
import { userAccessCommand } from "./admin-groups";

function reportLink(ctx: Context, invitation: CreatedInvitation, verb: string): void {
  if (ctx.json) return printJson(invitation);
  success(`${verb} ${invitation.email} as ${invitation.role}; the link works once, until ${formatTime(invitation.expires_at)}`);
  info(invitation.email_sent ? "It was emailed to them; here it is once more, in case the email does not arrive:" : "It was not emailed: pass it on yourself:");
  printLine(invitation.invite_url);
}

async function invite(ctx: Context): Promise<void> {
  const created = await ctx.api().post<CreatedInvitation>("/api/invitations", { email: ctx.args[0], role: ctx.flag("role") });
  reportLink(ctx, created, "Invited");
}

async function listInvitations(ctx: Context): Promise<void> {
  const invitations = await ctx.api().get<Invitation[]>("/api/invitations", { state: ctx.flags.all === true ? "all" : undefined });
  if (ctx.json) return printJson(invitations);
  printTable(
    invitations,
    [
      { header: "EMAIL", value: (i) => i.email },
      { header: "ROLE", value: (i) => i.role },
      { header: "STATE", value: (i) => i.state },
      { header: "EXPIRES", value: (i) => formatTime(i.expires_at) },
      { header: "INVITED BY", value: (i) => i.invited_by ?? "-" },
      { header: "ID", value: (i) => i.id },
    ],
    "No open invitations.",
  );
}

async function resend(ctx: Context): Promise<void> {
  const created = await ctx.api().post<CreatedInvitation>(`/api/invitations/${encodeURIComponent(ctx.args[0]!)}/resend`);
  reportLink(ctx, created, "Sent a new link to");
}

async function revoke(ctx: Context): Promise<void> {
  await ctx.api().delete(`/api/invitations/${encodeURIComponent(ctx.args[0]!)}`);
  done(ctx.json, `Revoked invitation ${ctx.args[0]}: its link no longer works`, { revoked: true, id: ctx.args[0] });
}

export const adminUsersGroup: Group = {
  kind: "group",
  name: "users",
  summary: "Invite people (they choose their own name and password); what a person can read",
  children: [
    userAccessCommand,
    {
      kind: "command",
      name: "invite",
      summary: `Invite someone by email (role defaults to ${DEFAULT_ROLE}); prints the single-use link`,
      args: "<email>",
      minArgs: 1,
      maxArgs: 1,
      flags: { role: { type: "string", choices: ROLES, description: `their role (default ${DEFAULT_ROLE})` }, ...JSON_FLAG },
      run: invite,
    },
    {
      kind: "command",
      name: "invitations",
      summary: "List open invitations (pending or expired)",
      maxArgs: 0,
      flags: { all: { type: "boolean", description: "also accepted and revoked ones" }, ...JSON_FLAG },
      run: listInvitations,
    },
    {
      kind: "command",
      name: "resend-invitation",
      summary: "Send a new link (the old one stops working)",
      args: "<id>",
      minArgs: 1,
      maxArgs: 1,
      flags: JSON_FLAG,
      run: resend,
    },
    {
      kind: "command",
      name: "revoke-invitation",
      summary: "Revoke an invitation: its link stops working",
      args: "<id>",
      minArgs: 1,
      maxArgs: 1,
      flags: JSON_FLAG,
      run: revoke,
    },
  ],
};
