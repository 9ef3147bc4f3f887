import { z } from "zod";
import { TOKEN_SCOPE_NAMES } from "../../shared/contract";

// Form fields arrive as strings; missing ones are reported by the service as a flash, not a 422.
export const passwordForm = z.object({
  _csrf: z.string().optional(),
  current_password: z.string().max(1024).optional(),
  new_password: z.string().max(1024).optional(),
  new_password_confirm: z.string().max(1024).optional(),
});

export const csrfOnlyForm = z.object({ _csrf: z.string().optional() });

export const sessionIdParams = z.object({ id: z.string().max(100) });

/** The form's checkbox field for a scope (one field each: the form parser keeps one value per name). */
export const scopeField = (scope: string) => `scope:${scope}`;

/** The create-token form: the lifetime arrives as a select value ("7", "30", … or "never"), each scope as a checkbox. */
export const createTokenForm = z.object({
  _csrf: z.string().optional(),
  name: z.string().max(1000).optional(),
  expires_in_days: z.string().max(20).optional(),
  ...Object.fromEntries(TOKEN_SCOPE_NAMES.map((scope) => [scopeField(scope), z.string().max(10).optional()])),
});

/** The scopes ticked on the form; none ticked is refused by the service (400 → a flash). */
export function scopesFromForm(body: Record<string, unknown>): string[] {
  return TOKEN_SCOPE_NAMES.filter((scope) => body[scopeField(scope)] !== undefined);
}

export const tokenIdParams = z.object({ id: z.string() });
