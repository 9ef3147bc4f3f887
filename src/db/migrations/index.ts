import { initial } from "./001_initial";
import { passwordResets } from "./002_password_resets";
import { personalAccessTokens } from "./003_personal_access_tokens";
import { oidcIdentities } from "./004_oidc_identities";
import { cliSessions } from "./005_cli_sessions";
import { hashedSessionIds } from "./006_hashed_session_ids";
import { identityDetach } from "./007_identity_detach";
import { datasets } from "./008_datasets";
import { groups } from "./009_groups";
import { tokenScopes } from "./010_token_scopes";
import { onboarding } from "./011_onboarding";
import { oauth } from "./012_oauth";
import { secondFactor } from "./013_second_factor";

export type Migration = { version: number; name: string; sql: string };

/** Forward-only, in order. Never edit a shipped migration: add the next one. */
export const MIGRATIONS: Migration[] = [
  initial,
  passwordResets,
  personalAccessTokens,
  oidcIdentities,
  cliSessions,
  hashedSessionIds,
  identityDetach,
  datasets,
  groups,
  tokenScopes,
  onboarding,
  oauth,
  secondFactor,
];
