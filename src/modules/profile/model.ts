import { z } from "zod";

// Form fields arrive as strings; missing ones are reported by the service as a flash, not a 422.
export const passwordForm = z.object({
  _csrf: z.string().optional(),
  current_password: z.string().max(1024).optional(),
  new_password: z.string().max(1024).optional(),
  new_password_confirm: z.string().max(1024).optional(),
});

export const csrfOnlyForm = z.object({ _csrf: z.string().optional() });

export const sessionIdParams = z.object({ id: z.string().max(100) });

export { cidrsFromForm, createTokenForm, scopesFromForm } from "../tokens/token-form";

export const tokenIdParams = z.object({ id: z.string() });
