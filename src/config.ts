// Environment → typed, validated config. A bad value stops the server naming the variable.
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { z } from "zod";
import { publicUrlSchema } from "./http/public-url";
import { isValidEmail, normaliseEmail } from "./auth/email";
import { defaultSender, mailboxSchema, type Mailbox } from "./mail/address";
import { VERSION } from "./version";
import { readSsoSettings, SsoSettingsError, type SsoSettings } from "./modules/sso/settings";
import { DEFAULT_CLI_SESSION_DAYS, MIN_PASSWORD_LENGTH } from "./shared/contract";

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  stateDir: string;
  publicUrl: string | null;
  trustProxy: boolean;
  jwtSecret: string;
  sessionTtlHours: number;
  /** Lifetime of a CLI session (`da login` through the browser or a device code). */
  cliSessionDays: number;
  patMaxDays: number | null;
  adminEmail: string | null;
  adminPassword: string | null;
  cliDistDir: string;
  /** CLI_BUILD_ON_START: build missing or older `da` binaries in the background at start. */
  cliBuildOnStart: "auto" | "off";
  /** CLI_MIN_VERSION: the oldest `da` this server serves (default: this server's major.minor.0). */
  cliMinVersion: string;
  smtpUrl: string | null;
  /** The From of outgoing mail: SMTP_FROM, else a default built from PUBLIC_URL. */
  smtpFrom: Mailbox;
  /** PASSWORD_LOGIN and the OpenID Connect providers (OIDC_PROVIDERS, OIDC_<ID>_*). */
  sso: SsoSettings;
  /** Where backups are written: BACKUP_DIR, else $DATA_DIR/backups. */
  backupDir: string;
  /** Hours between scheduled backups; 0 = no scheduled backups. */
  backupEveryHours: number;
  /** How many backups to keep (older ones are deleted after each new one). */
  backupKeep: number;
  /** METRICS_TOKEN: a bearer that may read /metrics (else only admins may); null when unset. */
  metricsToken: string | null;
  /** AUDIT_RETENTION_DAYS: audit entries older than this are deleted (daily). */
  auditRetentionDays: number;
  /** Data access (src/modules/data): where datasets live and the limits on user queries. */
  data: DataSettings;
};

export type DataSettings = {
  /** DATASETS_DIR, else $DATA_DIR/datasets. */
  datasetsDir: string;
  queryTimeoutSeconds: number;
  /** Rows in a JSON answer of POST /api/query (more → truncated). */
  queryMaxRows: number;
  /** Bytes of a streamed result (csv, ndjson, parquet). */
  queryMaxResultBytes: number;
  /** DuckDB's memory limit for the user-query instance. */
  queryMemoryMb: number;
  /** Queries run at once; more wait in a bounded queue, beyond it 429. */
  queryConcurrency: number;
  /** Largest dataset upload. */
  datasetMaxBytes: number;
};

export class ConfigError extends Error {}

const flag = z
  .enum(["", "0", "1", "true", "false", "yes", "no", "on", "off"], { message: "expected 1/0, true/false, yes/no or on/off" })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const positiveInt = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, "expected a whole number")
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `expected a whole number between 1 and ${max}`);

const wholeNumber = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, "expected a whole number")
    .transform(Number)
    .refine((n) => n <= max, `expected a whole number between 0 and ${max}`);

const fields = {
  PORT: z.string().regex(/^\d+$/, "expected a port number").transform(Number).refine((n) => n >= 0 && n <= 65535, "expected a port number 0-65535"),
  HOST: z.string().min(1, "expected a host name or address"),
  DATA_DIR: z.string().min(1, "expected a directory path"),
  PUBLIC_URL: publicUrlSchema,
  TRUST_PROXY: flag,
  JWT_SECRET_KEY: z.string().min(32, "must be at least 32 characters (generate one with `openssl rand -base64 48`)"),
  SESSION_TTL_HOURS: positiveInt(24 * 365),
  CLI_SESSION_DAYS: positiveInt(3650),
  PAT_MAX_DAYS: positiveInt(36500),
  AGNES_ADMIN_EMAIL: z.string().transform(normaliseEmail).refine(isValidEmail, "expected an email address"),
  AGNES_ADMIN_PASSWORD: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`),
  CLI_DIST_DIR: z.string().min(1, "expected a directory path"),
  CLI_BUILD_ON_START: z.enum(["auto", "off"], { message: "expected auto or off" }),
  CLI_MIN_VERSION: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, "expected a version like 1.4.0"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "expected smtp://host:port or smtps://user:pass@host:port")
    .refine(hasHost, "expected smtp://host:port or smtps://user:pass@host:port (percent-encode @ : / in the user name or password)"),
  SMTP_FROM: mailboxSchema,
  BACKUP_DIR: z.string().min(1, "expected a directory path"),
  BACKUP_EVERY_HOURS: wholeNumber(24 * 365),
  BACKUP_KEEP: positiveInt(10_000),
  METRICS_TOKEN: z.string().min(32, "must be at least 32 characters (generate one with `openssl rand -hex 32`)").regex(/^[\x21-\x7e]+$/, "expected printable characters without spaces"),
  AUDIT_RETENTION_DAYS: positiveInt(36500),
  DATASETS_DIR: z.string().min(1, "expected a directory path"),
  QUERY_TIMEOUT_S: positiveInt(24 * 3600),
  QUERY_MAX_ROWS: positiveInt(10_000_000),
  QUERY_MAX_RESULT_MB: positiveInt(1024 * 1024),
  QUERY_MEMORY_MB: positiveInt(1024 * 1024),
  QUERY_CONCURRENCY: positiveInt(1024),
  DATASET_MAX_MB: positiveInt(1024 * 1024),
};
type FieldName = keyof typeof fields;

function hasHost(url: string): boolean {
  try {
    return new URL(url).hostname !== "";
  } catch {
    return false;
  }
}

function read<K extends FieldName>(env: Record<string, string | undefined>, name: K): z.output<(typeof fields)[K]> | undefined {
  const raw = env[name];
  if (raw === undefined || (raw === "" && name !== "TRUST_PROXY")) return undefined;
  const parsed = fields[name].safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${name}: ${parsed.error.issues[0]?.message ?? "invalid value"}`);
  return parsed.data as z.output<(typeof fields)[K]>;
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
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
  // Written beside its name and linked into place (never over an existing key): on a full disk a
  // direct write left an empty key file, and every later start refused it as too short.
  const partial = `${file}.partial-${process.pid}`;
  try {
    rmSync(partial, { force: true }); // left by a crashed start with the same PID
    writeDurably(partial, secret + "\n");
    chmodSync(partial, 0o600);
    linkSync(partial, file);
    syncDirectory(stateDir); // the key must outlive a crash as surely as the sessions signed with it
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST" && existsSync(file)) return loadJwtSecret(stateDir, undefined);
    throw new ConfigError(`DATA_DIR: cannot write the session signing key ${file} (${(error as Error).message}); is the disk full or read-only?`);
  } finally {
    rmSync(partial, { force: true });
  }
  return secret;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const adminEmail = read(env, "AGNES_ADMIN_EMAIL") ?? null;
  const adminPassword = read(env, "AGNES_ADMIN_PASSWORD") ?? null;
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError("AGNES_ADMIN_EMAIL and AGNES_ADMIN_PASSWORD: set both or neither");
  }
  const publicUrl = read(env, "PUBLIC_URL") ?? null;
  const smtpUrl = read(env, "SMTP_URL") ?? null;
  if (smtpUrl && !publicUrl) {
    // Emailed links must not be built from a Host header that any client can set.
    throw new ConfigError("SMTP_URL: set PUBLIC_URL too, so emailed links point at the address users reach this server at");
  }
  const sso = readSso(env, publicUrl);
  const dataDir = resolve(read(env, "DATA_DIR") ?? "./data");
  const stateDir = join(dataDir, "state");
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ConfigError(`DATA_DIR: cannot create ${stateDir} (${(error as Error).message})`);
  }
  return {
    port: read(env, "PORT") ?? 8000,
    host: read(env, "HOST") ?? "0.0.0.0",
    dataDir,
    stateDir,
    publicUrl,
    trustProxy: read(env, "TRUST_PROXY") ?? false,
    jwtSecret: loadJwtSecret(stateDir, read(env, "JWT_SECRET_KEY")),
    sessionTtlHours: read(env, "SESSION_TTL_HOURS") ?? 24,
    cliSessionDays: read(env, "CLI_SESSION_DAYS") ?? DEFAULT_CLI_SESSION_DAYS,
    patMaxDays: read(env, "PAT_MAX_DAYS") ?? null,
    adminEmail,
    adminPassword,
    cliDistDir: resolve(read(env, "CLI_DIST_DIR") ?? "./dist/cli"),
    cliBuildOnStart: read(env, "CLI_BUILD_ON_START") ?? "auto",
    cliMinVersion: read(env, "CLI_MIN_VERSION") ?? defaultCliMinVersion(VERSION),
    smtpUrl,
    smtpFrom: read(env, "SMTP_FROM") ?? defaultSender(publicUrl),
    sso,
    backupDir: resolve(read(env, "BACKUP_DIR") ?? join(dataDir, "backups")),
    backupEveryHours: read(env, "BACKUP_EVERY_HOURS") ?? 24,
    backupKeep: read(env, "BACKUP_KEEP") ?? 7,
    metricsToken: read(env, "METRICS_TOKEN") ?? null,
    auditRetentionDays: read(env, "AUDIT_RETENTION_DAYS") ?? 365,
    data: readDataSettings(env, dataDir),
  };
}

const MB = 1024 * 1024;
function readDataSettings(env: Record<string, string | undefined>, dataDir: string): DataSettings {
  return {
    datasetsDir: resolve(read(env, "DATASETS_DIR") ?? join(dataDir, "datasets")),
    queryTimeoutSeconds: read(env, "QUERY_TIMEOUT_S") ?? 30,
    queryMaxRows: read(env, "QUERY_MAX_ROWS") ?? 10_000,
    queryMaxResultBytes: (read(env, "QUERY_MAX_RESULT_MB") ?? 1024) * MB,
    queryMemoryMb: read(env, "QUERY_MEMORY_MB") ?? 1024,
    queryConcurrency: read(env, "QUERY_CONCURRENCY") ?? 2 * availableParallelism(),
    datasetMaxBytes: (read(env, "DATASET_MAX_MB") ?? 2048) * MB,
  };
}

/** A `da` of the server's own major.minor speaks its API; a patch release never breaks the CLI. */
export function defaultCliMinVersion(version: string): string {
  const [major = "0", minor = "0"] = version.split(/[.+-]/);
  return `${major}.${minor}.0`;
}

function readSso(env: Record<string, string | undefined>, publicUrl: string | null): SsoSettings {
  try {
    return readSsoSettings(env, publicUrl);
  } catch (error) {
    if (error instanceof SsoSettingsError) throw new ConfigError(error.message);
    throw error;
  }
}
