// Request schemas for the SSO routes. Callback parameters come from the provider: every one is
// optional and bounded, so a malformed callback is answered by the page, not by a 422.
import { z } from "zod";

export const oidcParams = z.object({ id: z.string().max(100) });

export const oidcStartQuery = z.object({ next: z.string().max(2000).optional() });

export const oidcCallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(512).optional(),
  error_description: z.string().max(2048).optional(),
  iss: z.string().max(2048).optional(),
  session_state: z.string().max(2048).optional(),
});
