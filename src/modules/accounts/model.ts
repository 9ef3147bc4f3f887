import { z } from "zod";

export const tokenRequestBody = z.object({
  email: z.string().max(320),
  password: z.string().max(1024),
  /** The code from the authenticator app, or a recovery code, when the account has a second factor. */
  otp: z.string().max(100).optional(),
});

/** Form fields arrive as strings; missing ones are handled by the page, not a 422. */
export const loginForm = z.object({
  email: z.string().max(320).optional(),
  password: z.string().max(1024).optional(),
  next: z.string().max(2000).optional(),
});

export const loginQuery = z.object({ next: z.string().max(2000).optional() });

export const setupForm = z.object({
  setup_code: z.string().max(100).optional(),
  email: z.string().max(320).optional(),
  name: z.string().max(200).optional(),
  password: z.string().max(1024).optional(),
  password_confirm: z.string().max(1024).optional(),
});
