// The audit trail's filters, read once for the API, the page and the export: text trimmed, a
// person (id or email) resolved to both, and the time range as instants.
import type { AppContext } from "../../context";
import { findUserByEmail } from "../users/directory";
import type { AuditSelection } from "./service";

export type AuditFilterInput = { actor?: string; action?: string; target?: string; person?: string };

const clean = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
const DAY_MS = 86_400_000;

async function personOf(ctx: AppContext, value: string | undefined): Promise<AuditSelection["person"]> {
  if (!value) return undefined;
  if (value.includes("@")) {
    const email = value.toLowerCase();
    const user = await findUserByEmail(ctx.db, email);
    return { id: user?.id ?? null, email };
  }
  return { id: value, email: ctx.authState.user(value)?.email ?? null };
}

/** An API instant: a day means its midnight UTC. */
export function instantOf(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A page's day (inclusive): `to` ends at the next midnight. A malformed day is ignored. */
export function pageDay(value: string | undefined, end: boolean): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const day = instantOf(value);
  return day && end ? new Date(day.getTime() + DAY_MS) : day;
}

export async function auditSelection(ctx: AppContext, input: AuditFilterInput, range: { since?: Date; until?: Date }): Promise<AuditSelection> {
  const person = clean(input.person);
  return {
    actor: clean(input.actor),
    action: clean(input.action),
    target: clean(input.target),
    person: await personOf(ctx, person),
    since: range.since,
    until: range.until,
  };
}
