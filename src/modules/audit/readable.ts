// Audit entries as people read them: names and emails instead of ids (the ids stay on the entry for
// the details and the title), and one sentence each (sentences.ts). Names come from the in-memory
// auth state, so describing a page of entries costs no database read.
import type { AppContext } from "../../context";
import type { AuditEntry } from "../../shared/contract";
import type { ReadableAuditEntry } from "../../shared/activity";
import { AUDIT_ACTIONS } from "./actions";
import { auditSentence, type Who } from "./sentences";

type Names = Pick<AppContext, "authState">;

/** A user's name (or email), a group's name, or the id itself when it names neither (a deleted account). */
function nameOf(ctx: Names, id: string): string {
  const user = ctx.authState.user(id);
  if (user) return user.name || user.email;
  return ctx.authState.groups.group(id)?.name ?? id;
}

function actorLabel(ctx: Names, entry: AuditEntry): string {
  const user = entry.actor_id ? ctx.authState.user(entry.actor_id) : undefined;
  if (user) return user.name || user.email;
  return entry.actor_email ?? (entry.actor_id ? entry.actor_id : "Agnes");
}

/** The target's label: a deleted person's entries name them by the email their own entries kept. */
function targetLabel(ctx: Names, entry: AuditEntry): string {
  if (!entry.target) return "";
  const named = nameOf(ctx, entry.target);
  if (named !== entry.target) return named;
  const email = entry.params.email;
  return typeof email === "string" ? email : entry.target;
}

export function describeEntry(ctx: Names, entry: AuditEntry): ReadableAuditEntry {
  const who: Who = { actor: actorLabel(ctx, entry), target: targetLabel(ctx, entry), name: (id) => nameOf(ctx, id) };
  const meaning = (AUDIT_ACTIONS as Record<string, string>)[entry.action] ?? entry.action;
  return { ...entry, actor_label: who.actor, target_label: who.target || null, sentence: auditSentence(entry.action, who, entry.params, meaning) };
}

export function describeEntries(ctx: Names, entries: AuditEntry[]): ReadableAuditEntry[] {
  return entries.map((entry) => describeEntry(ctx, entry));
}
