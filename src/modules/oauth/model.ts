// Request shapes of the OAuth endpoints. Protocol messages are validated here, field by field, with
// zod (never parsed by hand); what a field must mean (a registered redirect URI, this server's
// resource) is checked by the service. Unknown registration metadata is ignored (RFC 7591 §2).
import { z } from "zod";
import type { TokenScope as Scope } from "../../shared/contract";

/** What an OAuth client may ask for, in the order the consent page shows them. */
export const OAUTH_SCOPES = ["profile:read", "sync", "query"] as const satisfies readonly Scope[];
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

const text = (max: number) => z.string().max(max, `at most ${max} characters`);

export const registrationBody = z.object({
  redirect_uris: z.array(text(2000), { message: "redirect_uris must be a list of URIs" }).max(10, "at most 10 redirect_uris"),
  client_name: text(100).optional(),
  token_endpoint_auth_method: z.literal("none", { message: "only public clients (token_endpoint_auth_method none) may register" }).optional(),
  grant_types: z
    .array(z.enum(["authorization_code", "refresh_token"], { message: "grant_types: only authorization_code and refresh_token" }))
    .max(2)
    .optional(),
  response_types: z
    .array(z.literal("code", { message: "response_types: only code" }))
    .max(1)
    .optional(),
  scope: text(200).optional(),
});
export type RegistrationBody = z.infer<typeof registrationBody>;

/** GET /oauth/authorize and the hidden fields of the consent form: every value a bounded string. */
export const authorizeParams = z.object({
  response_type: text(20).optional(),
  client_id: text(64).optional(),
  redirect_uri: text(2000).optional(),
  code_challenge: text(200).optional(),
  code_challenge_method: text(20).optional(),
  state: text(1000).optional(),
  scope: text(200).optional(),
  resource: text(2000).optional(),
});
export type AuthorizeParams = z.infer<typeof authorizeParams>;

export const consentForm = authorizeParams.extend({
  decision: z.enum(["allow", "deny"], { message: "decision must be allow or deny" }),
  _csrf: z.string().optional(),
  // One checkbox per scope (form bodies keep one value per name): `granted_profile_read=on`, …
  granted_profile_read: z.literal("on").optional(),
  granted_sync: z.literal("on").optional(),
  granted_query: z.literal("on").optional(),
});
export type ConsentForm = z.infer<typeof consentForm>;

/** The consent form's checkbox name of a scope. */
export const scopeField = (scope: OAuthScope) => `granted_${scope.replace(":", "_")}` as "granted_profile_read" | "granted_sync" | "granted_query";

export const tokenForm = z.object({
  grant_type: text(100).optional(),
  code: text(200).optional(),
  redirect_uri: text(2000).optional(),
  client_id: text(64).optional(),
  code_verifier: text(200).optional(),
  refresh_token: text(200).optional(),
  resource: text(2000).optional(),
  scope: text(200).optional(),
});
export type TokenForm = z.infer<typeof tokenForm>;

export const revokeForm = z.object({ token: text(200).optional(), token_type_hint: text(50).optional(), client_id: text(64).optional() });

export const grantIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, "not a grant id") });
export const clientIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, "not a client id") });

export const csrfOnlyForm = z.object({ _csrf: z.string().optional() });
export const adminRegisterForm = z.object({ _csrf: z.string().optional(), client_name: text(100).optional(), redirect_uris: text(20_000).optional() });
