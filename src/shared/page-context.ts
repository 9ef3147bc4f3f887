// What every server-rendered page is given besides its own data: who is looking, the CSRF token for
// their forms, and the flash message left by the previous POST. Types only: views import them, and
// src/http/page.ts builds them, so neither side imports the other.
import type { Role } from "./contract";

export type Flash = { kind: "ok" | "error"; message: string; reveal?: string };

/** The part of the signed-in principal a page may show (the server's Principal fits this shape). */
export type Viewer = {
  user: { id: string; email: string; name: string; role: Role };
  sessionId: string | null;
};

export type PageContext = {
  principal: Viewer | null;
  /** The viewer may open the admin pages: decided by the server's role check, not by the view. */
  isAdmin: boolean;
  csrf: string;
  flash: Flash | null;
};
