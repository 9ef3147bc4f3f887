// A secret shown once after a form post (a new token, a reset link): kept in memory under a random
// id bound to the viewer's session, handed out by the next page view, then gone. The flash cookie
// carries only the id, so the secret is never in a URL, a cookie or the browser's cache.
import { randomBytes } from "node:crypto";
import type { Clock } from "../clock";

const TTL_MS = 5 * 60_000;

// `subject` is the user the secret belongs to or unlocks (the token's owner, the reset link's user):
// deactivating or deleting that user voids the reveal with everything else that let them in.
type Entry = { sessionId: string; subject: string; value: string; expiresAt: number };

export class OneTimeReveals {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  put(sessionId: string, subject: string, value: string): string {
    this.prune();
    const id = randomBytes(16).toString("base64url");
    this.entries.set(id, { sessionId, subject, value, expiresAt: this.clock.now().getTime() + TTL_MS });
    return id;
  }

  /** Voids every pending reveal of a secret that belongs to this user. */
  forgetSubject(userId: string): void {
    for (const [id, entry] of this.entries) if (entry.subject === userId) this.entries.delete(id);
  }

  take(sessionId: string, id: string | undefined): string | null {
    if (!id) return null;
    const entry = this.entries.get(id);
    if (!entry || entry.sessionId !== sessionId) return null;
    this.entries.delete(id);
    return entry.expiresAt > this.clock.now().getTime() ? entry.value : null;
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
  }
}
