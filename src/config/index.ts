// Environment → typed, validated config. Every setting is declared once in settings.ts (name,
// type, check, default); this file parses the environment with that one schema, applies the rules
// between settings, and adds what is derived (paths under DATA_DIR, the keys read from their files).
// A bad value stops the server naming the variable. The Config type is inferred from buildConfig.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { defaultSender } from "../mail/address";
import { VERSION } from "../version";
import { createSecretFileOnce } from "../state-file";
import { DEFAULT_CLI_SESSION_DAYS } from "../shared/contract";
import type { SecretKey } from "../shared/minisign";
import { readSsoSettings, SsoSettingsError, type SsoSettings } from "./sso";
import { loadSigningKey, signingKeyPath, SigningKeyError } from "./signing-key";
import { settingsSchema, type Settings } from "./settings";

export { SETTINGS, type SettingName } from "./settings";

export class ConfigError extends Error {}

export type Config = ReturnType<typeof buildConfig>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${String(issue?.path[0] ?? "configuration")}: ${issue?.message ?? "invalid value"}`);
  }
  checkCombinations(parsed.data);
  return buildConfig(env, parsed.data);
}

/** Rules between settings. */
function checkCombinations(s: Settings): void {
  if ((s.AGNES_ADMIN_EMAIL === undefined) !== (s.AGNES_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError("AGNES_ADMIN_EMAIL and AGNES_ADMIN_PASSWORD: set both or neither");
  }
  if (s.SMTP_URL && !s.PUBLIC_URL) {
    // Emailed links must not be built from a Host header that any client can set.
    throw new ConfigError("SMTP_URL: set PUBLIC_URL too, so emailed links point at the address users reach this server at");
  }
}

function buildConfig(env: Record<string, string | undefined>, s: Settings) {
  const publicUrl = s.PUBLIC_URL ?? null;
  const dataDir = resolve(s.DATA_DIR);
  const stateDir = createStateDir(dataDir);
  return {
    port: s.PORT,
    host: s.HOST,
    dataDir,
    stateDir,
    publicUrl,
    trustProxy: s.TRUST_PROXY,
    jwtSecret: loadJwtSecret(stateDir, s.JWT_SECRET_KEY),
    sessionTtlHours: s.SESSION_TTL_HOURS,
    /** Lifetime of a CLI session (`da login` through the browser or a device code). */
    cliSessionDays: s.CLI_SESSION_DAYS ?? DEFAULT_CLI_SESSION_DAYS,
    patMaxDays: s.PAT_MAX_DAYS ?? null,
    patRotateGraceMinutes: s.PAT_ROTATE_GRACE_MINUTES,
    adminEmail: s.AGNES_ADMIN_EMAIL ?? null,
    adminPassword: s.AGNES_ADMIN_PASSWORD ?? null,
    ...cliSettings(s, dataDir),
    smtpUrl: s.SMTP_URL ?? null,
    /** The From of outgoing mail: SMTP_FROM, else a default built from PUBLIC_URL. */
    smtpFrom: s.SMTP_FROM ?? defaultSender(publicUrl),
    /** INVITE_DAYS: how long an invitation link works. */
    inviteDays: s.INVITE_DAYS,
    /** MFA_REQUIRED: who must have a second factor to sign in with a password (src/modules/mfa). */
    mfaRequired: s.MFA_REQUIRED,
    /** PASSWORD_LOGIN and the OpenID Connect providers (OIDC_PROVIDERS, OIDC_<ID>_*). */
    sso: readSso(env, publicUrl, s),
    ...backupSettings(s, dataDir),
    /** METRICS_TOKEN: a bearer that may read /metrics (else only admins may); null when unset. */
    metricsToken: s.METRICS_TOKEN ?? null,
    /** AUDIT_RETENTION_DAYS: audit entries older than this are deleted (daily). */
    auditRetentionDays: s.AUDIT_RETENTION_DAYS,
    /** Data access (src/modules/data): where datasets live and the limits on user queries. */
    data: dataSettings(s, dataDir),
    /** OIDC_GROUP_LIMIT: the most groups one sign-in's groups claim may list. */
    oidcGroupLimit: s.OIDC_GROUP_LIMIT,
    /** OAuth 2.1 for MCP and other third-party clients (src/modules/oauth). */
    oauth: oauthSettings(s),
  };
}

/** Where `da` builds live, how they are made and signed, and the oldest one served. */
function cliSettings(s: Settings, dataDir: string) {
  const daSigningKeyFile = signingKeyPath({ DA_SIGNING_KEY: s.DA_SIGNING_KEY, DATA_DIR: dataDir });
  return {
    cliDistDir: resolve(s.CLI_DIST_DIR),
    /** CLI_BUILD_ON_START: build missing or older `da` binaries in the background at start. */
    cliBuildOnStart: s.CLI_BUILD_ON_START,
    /** DA_SIGNING_KEY: the file holding the key that signs the `da` releases (made once when missing). */
    daSigningKeyFile,
    daSigningKey: loadDaSigningKey(daSigningKeyFile),
    /** CLI_MIN_VERSION: the oldest `da` this server serves (default: this server's major.minor.0). */
    cliMinVersion: s.CLI_MIN_VERSION ?? defaultCliMinVersion(VERSION),
  };
}

function backupSettings(s: Settings, dataDir: string) {
  return {
    /** Where backups are written: BACKUP_DIR, else $DATA_DIR/backups. */
    backupDir: resolve(s.BACKUP_DIR ?? join(dataDir, "backups")),
    /** Hours between scheduled backups; 0 = no scheduled backups. */
    backupEveryHours: s.BACKUP_EVERY_HOURS,
    /** How many backups to keep (older ones are deleted after each new one). */
    backupKeep: s.BACKUP_KEEP,
    /** BACKUP_ENCRYPTION_KEY: an age recipient or identity backups are encrypted to; null = not encrypted. */
    backupEncryptionKey: s.BACKUP_ENCRYPTION_KEY ?? null,
  };
}

function oauthSettings(s: Settings) {
  return {
    /** OAUTH_REGISTRATION: who may register clients (open: anyone, rate-limited; admin: admins only; off: nobody). */
    registration: s.OAUTH_REGISTRATION,
    accessMinutes: s.OAUTH_ACCESS_MINUTES,
    refreshDays: s.OAUTH_REFRESH_DAYS,
  };
}

const MB = 1024 * 1024;

export type DataSettings = ReturnType<typeof dataSettings>;

function dataSettings(s: Settings, dataDir: string) {
  return {
    /** DATASETS_DIR, else $DATA_DIR/datasets. */
    datasetsDir: resolve(s.DATASETS_DIR ?? join(dataDir, "datasets")),
    queryTimeoutSeconds: s.QUERY_TIMEOUT_S,
    /** Rows in a JSON answer of POST /api/query (more → truncated). */
    queryMaxRows: s.QUERY_MAX_ROWS,
    /** Bytes of a streamed result (csv, ndjson, parquet). */
    queryMaxResultBytes: s.QUERY_MAX_RESULT_MB * MB,
    /** DuckDB's memory limit for the user-query instance. */
    queryMemoryMb: s.QUERY_MEMORY_MB,
    /** Queries run at once; more wait in a bounded queue, beyond it 429. */
    queryConcurrency: s.QUERY_CONCURRENCY ?? 2 * availableParallelism(),
    /** Queries one caller (account id) may hold at once, overtime included; unset: the gate's default (half). */
    queryPerUser: s.QUERY_PER_USER,
    /** Largest dataset upload. */
    datasetMaxBytes: s.DATASET_MAX_MB * MB,
    /** DATASET_DEFAULT_GRANT: a new dataset is granted to Everyone, or to nobody (admins only). */
    defaultGrant: s.DATASET_DEFAULT_GRANT,
  };
}

function createStateDir(dataDir: string): string {
  const stateDir = join(dataDir, "state");
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ConfigError(`DATA_DIR: cannot create ${stateDir} (${(error as Error).message})`);
  }
  return stateDir;
}

/** Reads the signing key from JWT_SECRET_KEY, else from $DATA_DIR/state/jwt-secret (created once, mode 0600). */
function loadJwtSecret(stateDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = join(stateDir, "jwt-secret");
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length < 32) throw new ConfigError(`JWT_SECRET_KEY: the stored key in ${file} is shorter than 32 characters`);
    return secret;
  }
  const secret = randomBytes(48).toString("base64url");
  try {
    if (!createSecretFileOnce(file, `${secret}\n`)) return loadJwtSecret(stateDir, undefined);
  } catch (error) {
    throw new ConfigError(`DATA_DIR: cannot write the session signing key ${file} (${(error as Error).message}); is the disk full or read-only?`);
  }
  return secret;
}

/** A `da` of the server's own major.minor speaks its API; a patch release never breaks the CLI. */
export function defaultCliMinVersion(version: string): string {
  const [major = "0", minor = "0"] = version.split(/[.+-]/);
  return `${major}.${minor}.0`;
}

function loadDaSigningKey(file: string): SecretKey {
  try {
    return loadSigningKey(file);
  } catch (error) {
    if (error instanceof SigningKeyError) throw new ConfigError(error.message);
    throw error;
  }
}

function readSso(env: Record<string, string | undefined>, publicUrl: string | null, s: Settings): SsoSettings {
  try {
    return readSsoSettings(env, publicUrl, s.PASSWORD_LOGIN, s.OIDC_PROVIDERS);
  } catch (error) {
    if (error instanceof SsoSettingsError) throw new ConfigError(error.message);
    throw error;
  }
}
