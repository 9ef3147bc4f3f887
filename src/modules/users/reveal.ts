// A reset or invitation link revealed once on the users pages: kept in server memory, bound to
// the viewer's session, the flash carrying only its id (never the link).
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { RevealedResetLink } from "../../../views/users/reset-link-reveal";

/** Reveals are bound to the viewer's session; an admin using a PAT in a browser gets one per token. */
export function revealOwner(me: Principal): string {
  return me.sessionId ?? `pat:${me.tokenId}`;
}

/** A reveal holds one string: the link and whom it was emailed to, as JSON. */
export function takeRevealedLink(ctx: AppContext, me: Principal, id: string | undefined): RevealedResetLink | null {
  const value = ctx.reveals.take(revealOwner(me), id);
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<RevealedResetLink>;
    if (typeof parsed.url !== "string") return null;
    const kind = parsed.kind === "invitation" ? "invitation" : "reset";
    return { url: parsed.url, emailedTo: typeof parsed.emailedTo === "string" ? parsed.emailedTo : null, kind };
  } catch {
    return null;
  }
}
