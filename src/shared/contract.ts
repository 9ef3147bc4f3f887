// The HTTP contract, shared by the server and the `da` CLI: the JSON shapes, and the facts both
// sides must agree on (roles, defaults, token states), defined once here. Nothing in this file
// imports server code, so the CLI bundle carries none of it. Field names are the public contract
// (docs/contributing.md: existing clients depend on them; change them only with a new minor version).
import type { GroupRef } from "./groups";

export const ROLES = ["viewer", "analyst", "km_admin", "admin"] as const;
export type Role = (typeof ROLES)[number];
/** POST /api/users without a `role`. */
export const DEFAULT_ROLE: Role = "analyst";
/** Shorter passwords are refused with 400. */
export const MIN_PASSWORD_LENGTH = 8;

/** POST /auth/tokens without `expires_in_days` (capped at PAT_MAX_DAYS when that is lower). */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
/** The lifetimes the profile page and `da auth token create` offer, besides "never". */
export const TOKEN_LIFETIME_CHOICES_DAYS = [7, 30, 90, 365] as const;

export const TOKEN_STATES = ["active", "revoked", "expired"] as const;
export type TokenState = (typeof TOKEN_STATES)[number];
/** GET /auth/admin/tokens?state=: one state, or every token. */
export const TOKEN_STATE_FILTERS = [...TOKEN_STATES, "all"] as const;
export type TokenStateFilter = (typeof TOKEN_STATE_FILTERS)[number];

/** Revoked wins over expired: a token revoked before it ran out shows as revoked. */
export function tokenState(token: Pick<Token, "revoked_at" | "expires_at">, now: Date): TokenState {
  if (token.revoked_at) return "revoked";
  if (token.expires_at && new Date(token.expires_at) <= now) return "expired";
  return "active";
}

export type ErrorBody = { detail: string };

export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  created_at: string;
  updated_at: string;
  deactivated_at: string | null;
  deactivated_by: string | null;
  last_login_at: string | null;
};

export type Me = {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  auth: "session" | "pat";
  token_id: string | null;
  /** When the credential in use stops working (null for a PAT that never expires). */
  expires_at: string | null;
  /** The groups the caller is in (Everyone included), src/shared/groups.ts. */
  groups: GroupRef[];
  /** An admin set this person's password: a session can do nothing else until they change it (in a browser, at /password/change). */
  must_change_password: boolean;
};

/** GET /auth/providers: the ways to sign in, for the login page and `da login`. */
export type SignInProvider = { id: "password"; type: "password" } | { id: string; type: "oidc"; label: string };

export type LoginResponse = {
  access_token: string;
  token_type: "bearer";
  user_id: string;
  email: string;
  role: Role;
  expires_at: string;
};

/** A browser (or password `da login`) session, or a CLI session from `da login` through the browser or a device code. */
export const SESSION_KINDS = ["browser", "cli"] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** GET /auth/sessions: the caller's live sessions, newest first. */
export type Session = {
  /** The session's handle: SHA-256 of its token's jti, a name for it, not a credential. */
  id: string;
  kind: SessionKind;
  /** "da on <hostname>" for a CLI session; null for a browser session. */
  name: string | null;
  created_at: string;
  expires_at: string;
  last_seen_at: string | null;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
};

/** POST /auth/device/code (RFC 8628 §3.2). */
export type DeviceAuthorization = {
  device_code: string;
  /** Shown as ABCD-EFGH. */
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
};

/** How POST /auth/cli/token and POST /auth/device/token refuse (RFC 6749 §5.2, RFC 8628 §3.5), status 400. */
export type GrantErrorBody = {
  error: "invalid_request" | "invalid_grant" | "authorization_pending" | "slow_down" | "expired_token" | "access_denied";
  detail: string;
  /** With slow_down: the seconds to wait between polls from now on. */
  interval?: number;
};

/** Lifetime of a CLI session unless CLI_SESSION_DAYS says otherwise. */
export const DEFAULT_CLI_SESSION_DAYS = 30;

/**
 * What a personal access token may do, besides what its owner's role allows (the guard checks both).
 * Each route declares the one scope it needs next to its role; `all` is every scope (a token made
 * before scopes existed, or by a client that names none).
 */
export const TOKEN_SCOPES = {
  "profile:read": "read who you are and your sessions (/auth/me, /auth/sessions, the dashboard)",
  query: "run SQL on the datasets you may read (POST /api/query, /data)",
  sync: "download datasets (da sync: /api/sync/manifest, /api/data/*/download)",
  "datasets:write": "upload, replace and delete datasets (admins)",
  "users:read": "list users and their tokens (admins)",
  "users:write": "create, change, deactivate and delete users and service accounts (admins)",
  "groups:write": "create and change groups and dataset grants (admins)",
  "audit:read": "read the audit trail (admins)",
  backups: "list, create and delete backups (admins)",
  "metrics:read": "read /metrics (admins)",
  all: "everything the owner may do",
} as const;
export type TokenScope = keyof typeof TOKEN_SCOPES;
export const TOKEN_SCOPE_NAMES = Object.keys(TOKEN_SCOPES) as TokenScope[];
/** What `/profile` and `da auth token create` preselect: enough for `da query` and `da sync`. */
export const DEFAULT_PICKED_SCOPES: readonly TokenScope[] = ["query", "sync", "profile:read"];
/** GET /auth/scopes. */
export type ScopeInfo = { name: TokenScope; description: string };

export type Token = {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  /** Networks it may be used from; empty: anywhere. */
  allowed_cidrs: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
};

export type AdminToken = Token & { user_id: string; user_email: string };

export type CreatedToken = {
  id: string;
  name: string;
  prefix: string;
  token: string;
  scopes: TokenScope[];
  allowed_cidrs: string[];
  expires_at: string | null;
  created_at: string;
};

export type ResetLink = { reset_token: string; reset_url: string; email_sent: boolean };

/** pending: its link works; accepted: an account was made from it; revoked by an admin; expired (INVITE_DAYS). */
export const INVITATION_STATES = ["pending", "accepted", "revoked", "expired"] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

/** GET /api/invitations: never the link or its token. */
export type Invitation = {
  id: string;
  email: string;
  role: Role;
  state: InvitationState;
  created_at: string;
  expires_at: string;
  /** The inviting admin's email (null once that account is gone). */
  invited_by: string | null;
  /** How many links were sent: 1, plus one per resend. */
  sent_count: number;
  accepted_at: string | null;
  revoked_at: string | null;
};

/** POST /api/invitations and …/resend: the link, in this answer only (as a reset link is), and whether it was emailed. */
export type CreatedInvitation = Invitation & { invite_url: string; email_sent: boolean };

export type AuditEntry = {
  id: string;
  created_at: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target: string | null;
  params: Record<string, unknown>;
  ip: string | null;
  /** The personal access token the change was made with (null: a session, or no one). */
  token_id: string | null;
};

export type Health = { status: "ok"; version: string };

/** A backup file under BACKUP_DIR, as `GET /api/admin/backups` lists it. */
export type BackupInfo = { name: string; size: number; created_at: string };
export type VersionInfo = { version: string; commit: string };

export const CLI_TARGETS = [
  "linux-x64",
  "linux-arm64",
  "linux-x64-musl",
  "linux-arm64-musl",
  "linux-x64-baseline",
  "darwin-x64",
  "darwin-arm64",
  "windows-x64",
] as const;
export type CliTarget = (typeof CLI_TARGETS)[number];

export type ManifestTarget = {
  target: string;
  os: "linux" | "darwin" | "windows";
  arch: "x64" | "arm64";
  filename: string;
  size: number;
  sha256: string;
  url: string;
};

/**
 * `building`: targets the server is building right now (its first start); ask again in a minute.
 * `sha256sums` and `signature`: SHA256SUMS and its minisign signature by the server's da signing key
 * (src/shared/release-signing.ts); absent when the build is unsigned.
 */
export type Manifest = { version: string; commit: string; targets: ManifestTarget[]; building?: string[]; sha256sums?: string; signature?: string };

/** The response header naming the oldest `da` the server serves; an older `da` stops (exit 2). */
export const CLI_MIN_VERSION_HEADER = "x-agnes-cli-min-version";

/** How every list pages, in the API, the pages and `da`: default 50 a page, at most 500 (clamped). */
export const PAGING = { defaultLimit: 50, maxLimit: 500, maxOffset: 10_000_000 } as const;

/** How a person signs in, for the admin users page: password, providers, last SSO sign-in, and the provider whose groups manage their role. */
export type SignInMethods = {
  password: boolean;
  providers: string[];
  lastSsoAt: string | null;
  roleManagedBy: string | null;
  /** The configured providers this person has an identity at (id and label), for the unlink buttons. */
  identities: { provider: string; label: string }[];
  /** An admin detached them from their provider's groups: their role is set by hand. */
  groupsDetached: boolean;
};

// ---- Data access (src/modules/data, `da query`, `da sync`) ----

/** Dataset names: what a dataset is called in SQL, in URLs and in `da sync`'s file names. */
export const DATASET_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** POST /api/query, JSON answer (the original client's fields plus types, count and time). */
export type QueryAnswer = {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
  column_types: string[];
  row_count: number;
  elapsed_ms: number;
};

/** GET /api/datasets, GET /api/datasets/{name} (which adds `sample`), POST and PUT answers. */
export type DatasetInfo = {
  name: string;
  columns: { name: string; type: string }[];
  rows: number;
  size_bytes: number;
  hash: string;
  created_at: string;
  updated_at: string;
  /** The uploader's email (null once that user is deleted). */
  uploaded_by: string | null;
};
export type DatasetDetail = DatasetInfo & { sample: { columns: string[]; rows: unknown[][] } };

/** GET /api/sync/manifest: the datasets the caller may read, by name. `hash` is the SHA-256 of the Parquet download. */
export type SyncManifest = {
  tables: Record<string, { hash: string; rows: number; size_bytes: number; updated_at: string; columns: { name: string; type: string }[] }>;
};

/** Sent with every answer to a token that expires within TOKEN_EXPIRY_WARNING_DAYS: its expiry (ISO). `da` warns on it. */
export const TOKEN_EXPIRES_HEADER = "x-agnes-token-expires";
export const TOKEN_EXPIRY_WARNING_DAYS = 7;
