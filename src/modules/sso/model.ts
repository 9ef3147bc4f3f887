// Request schemas for the SSO routes. Callback parameters come from the provider: every one is
// optional and bounded, so a malformed callback is answered by the page, not by a 422.
import { z } from "zod";

export const oidcParams = z.object({ id: z.string().max(100) });

export const oidcStartQuery = z.object({ next: z.string().max(2000).optional(), invite: z.string().max(200).optional() });

export const oidcCallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(512).optional(),
  error_description: z.string().max(2048).optional(),
  iss: z.string().max(2048).optional(),
  session_state: z.string().max(2048).optional(),
});

/** Any string: an id that is malformed is simply not found (404), never 422. */
export const userIdentityParams = z.object({ id: z.string() });
export const userProviderParams = z.object({ id: z.string(), provider: z.string().max(100) });

export const linkIdentityBody = z.object({ provider: z.string().max(100), subject: z.string().max(1024) });

/** Form fields arrive as strings; every one is optional so a missing field reads as a flash, not a 422. */
export const identityForm = z.object({
  _csrf: z.string().optional(),
  back: z.string().max(2000).optional(),
  provider: z.string().max(100).optional(),
  subject: z.string().max(1024).optional(),
  confirm: z.string().max(10).optional(),
});
