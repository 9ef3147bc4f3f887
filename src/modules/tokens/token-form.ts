// The create-token request: the JSON body (the API's, also a service account's) and the form, shared
// by /profile and a service account's page: the lifetime arrives as a
// select value, each scope as a checkbox of its own (the form parser keeps one value per name).
import { z } from "zod";
import { TOKEN_SCOPE_NAMES } from "../../shared/contract";

/** POST /auth/tokens and POST /api/service-accounts/{id}/tokens. */
export const createTokenBody = z.object({
  name: z.string({ message: "name must be a string" }),
  expires_in_days: z
    .number({ message: "expires_in_days must be a whole number of days, or null for a token that never expires" })
    .int({ message: "expires_in_days must be a whole number of days" })
    .nullable()
    .optional(),
  // Names are checked in the service (an unknown one is a 400 naming it); the bound keeps it small.
  scopes: z
    .array(z.string({ message: "scopes must be a list of scope names" }).max(64), { message: "scopes must be a list of scope names" })
    .max(32)
    .optional(),
  allowed_cidrs: z
    .array(z.string({ message: "allowed_cidrs must be a list of networks" }).max(100))
    .max(50)
    .optional(),
});

/** The form's checkbox field for a scope (one field each: the form parser keeps one value per name). */
const scopeField = (scope: string) => `scope:${scope}`;

/** The create-token form: the lifetime arrives as a select value ("7", "30", … or "never"), each scope as a checkbox. */
export const createTokenForm = z.object({
  _csrf: z.string().optional(),
  name: z.string().max(1000).optional(),
  expires_in_days: z.string().max(20).optional(),
  allowed_cidrs: z.string().max(2000).optional(),
  ...Object.fromEntries(TOKEN_SCOPE_NAMES.map((scope) => [scopeField(scope), z.string().max(10).optional()])),
});

/** The form's networks field: comma- or space-separated; empty: anywhere. */
export function cidrsFromForm(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter(Boolean);
}

/** The scopes ticked on the form; none ticked is refused by the service (400 → a flash). */
export function scopesFromForm(body: Record<string, unknown>): string[] {
  return TOKEN_SCOPE_NAMES.filter((scope) => body[scopeField(scope)] !== undefined);
}
