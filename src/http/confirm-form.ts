// The one confirmation pattern for risky actions (views/ui/confirm-page.tsx renders it):
// `GET <action>/confirm` shows what is about to happen, its form posts `confirm=yes` with the CSRF
// field to `<action>`, and only then does the handler act. A POST without `confirm=yes` (an old
// form, a hand-made request) changes nothing: it is sent to the confirmation page. So every risky
// action asks once, on the server, and works without JavaScript.
import { z } from "zod";

export const confirmForm = z.object({
  _csrf: z.string().optional(),
  confirm: z.string().max(10).optional(),
});

type SetLike = { status?: number | string; headers: Record<string, string | number> };

/** The confirmation page of an action: `<action>/confirm`, with the fields it needs as its query. */
export function confirmPath(action: string, fields: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value) query.set(name, value);
  const text = query.toString();
  return `${action}/confirm${text ? `?${text}` : ""}`;
}

/**
 * Null when the form said `confirm=yes`; otherwise answers 303 to the action's confirmation page
 * (the caller returns what this returns and changes nothing).
 */
export function unconfirmed(body: { confirm?: string }, set: SetLike, confirmation: string): string | null {
  if (body.confirm === "yes") return null;
  set.status = 303;
  set.headers.location = confirmation;
  return "";
}
