import { z } from "zod";

export const resetQuery = z.object({ token: z.string().max(200).optional() });

/** Form fields; missing ones re-render the page with a message rather than a 422. */
export const resetForm = z.object({
  token: z.string().max(200).optional(),
  password: z.string().max(1024).optional(),
  password_confirm: z.string().max(1024).optional(),
});
