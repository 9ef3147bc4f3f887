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

/** The create-token form: the lifetime arrives as a select value ("7", "30", … or "never"). */
export const createTokenForm = z.object({
  _csrf: z.string().optional(),
  name: z.string().max(1000).optional(),
  expires_in_days: z.string().max(20).optional(),
});

export const tokenIdParams = z.object({ id: z.string() });
