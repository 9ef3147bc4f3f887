// Every setting the server reads from the environment, declared once: its name, its type and check
// (a zod schema), and its default. `loadConfig` parses the environment with this one object schema,
// and test/unit/config-readme.test.ts checks the README's configuration tables against its keys.
// Single sign-on's per-provider settings (OIDC_<ID>_*) have names made from the provider ids, so they
// are declared beside it, in sso.ts (SSO_SETTINGS), and checked against the README the same way.
import { z } from "zod";
import { publicUrlSchema } from "../http/public-url";
import { checkEmail, normaliseEmail } from "../auth/email";
import { mailboxSchema } from "../mail/address";
import { ageKeyProblem } from "../ops/backup-crypto";
import { MIN_PASSWORD_LENGTH } from "../shared/contract";

const flag = z
  .enum(["", "0", "1", "true", "false", "yes", "no", "on", "off"], { message: "expected 1/0, true/false, yes/no or on/off" })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "expected a whole number")
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected a whole number between ${min} and ${max}`);

const path = z.string().min(1, "expected a path");

function hasHost(url: string): boolean {
  try {
    return new URL(url).hostname !== "";
  } catch {
    return false;
  }
}

/** An empty variable counts as unset (a `FOO=` line in a compose file), except for flags, where it is "off". */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

export const SETTINGS = {
  PORT: optional(wholeNumber(0, 65535)).default(8000),
  HOST: optional(z.string()).default("0.0.0.0"),
  DATA_DIR: optional(path).default("./data"),
  PUBLIC_URL: optional(publicUrlSchema),
  TRUST_PROXY: flag.optional().default(false),
  JWT_SECRET_KEY: optional(z.string().min(32, "must be at least 32 characters (generate one with `openssl rand -base64 48`)")),
  SESSION_TTL_HOURS: optional(wholeNumber(1, 24 * 365)).default(24),
  CLI_SESSION_DAYS: optional(wholeNumber(1, 3650)),
  PAT_MAX_DAYS: optional(wholeNumber(1, 36500)),
  PAT_ROTATE_GRACE_MINUTES: optional(wholeNumber(0, 7 * 24 * 60)).default(60),
  AGNES_ADMIN_EMAIL: optional(
    z
      .string()
      .refine((v) => checkEmail(v).ok, "expected an email address")
      .transform(normaliseEmail),
  ),
  AGNES_ADMIN_PASSWORD: optional(z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)),
  CLI_DIST_DIR: optional(path).default("./dist/cli"),
  DA_SIGNING_KEY: optional(path),
  CLI_BUILD_ON_START: optional(z.enum(["auto", "off"], { message: "expected auto or off" })).default("auto"),
  CLI_MIN_VERSION: optional(z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, "expected a version like 1.4.0")),
  SMTP_URL: optional(
    z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, "expected smtp://host:port or smtps://user:pass@host:port")
      .refine(hasHost, "expected smtp://host:port or smtps://user:pass@host:port (percent-encode @ : / in the user name or password)"),
  ),
  SMTP_FROM: optional(mailboxSchema),
  INVITE_DAYS: optional(wholeNumber(1, 365)).default(7),
  MFA_REQUIRED: optional(z.enum(["off", "admins", "all"], { message: "expected off, admins or all" })).default("off"),
  BACKUP_DIR: optional(path),
  BACKUP_EVERY_HOURS: optional(wholeNumber(0, 24 * 365)).default(24),
  BACKUP_KEEP: optional(wholeNumber(1, 10_000)).default(7),
  BACKUP_ENCRYPTION_KEY: optional(
    z.string().superRefine((value, check) => {
      const problem = ageKeyProblem(value);
      if (problem) check.addIssue({ code: "custom", message: problem });
    }),
  ),
  METRICS_TOKEN: optional(
    z
      .string()
      .min(32, "must be at least 32 characters (generate one with `openssl rand -hex 32`)")
      .regex(/^[\x21-\x7e]+$/, "expected printable characters without spaces"),
  ),
  AUDIT_RETENTION_DAYS: optional(wholeNumber(1, 36500)).default(365),
  DATASETS_DIR: optional(path),
  QUERY_TIMEOUT_S: optional(wholeNumber(1, 24 * 3600)).default(30),
  QUERY_MAX_ROWS: optional(wholeNumber(1, 10_000_000)).default(10_000),
  QUERY_MAX_RESULT_MB: optional(wholeNumber(1, 1024 * 1024)).default(1024),
  QUERY_MEMORY_MB: optional(wholeNumber(1, 1024 * 1024)).default(1024),
  /** Unset: 2 per core. */
  QUERY_CONCURRENCY: optional(wholeNumber(1, 1024)),
  /** Unset: half of QUERY_CONCURRENCY (rounded up); above QUERY_CONCURRENCY it means QUERY_CONCURRENCY. */
  QUERY_PER_USER: optional(wholeNumber(1, 1024)),
  DATASET_MAX_MB: optional(wholeNumber(1, 1024 * 1024)).default(2048),
  /** Who may read a new dataset: the Everyone group, or nobody but admins until it is granted. */
  DATASET_DEFAULT_GRANT: optional(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["everyone", "none"], { message: "expected everyone or none" })),
  ).default("everyone"),
  /** The most groups one sign-in's claim may list (more: the sign-in is refused, as Entra's overage). */
  OIDC_GROUP_LIMIT: optional(wholeNumber(1, 100_000)).default(500),
  OAUTH_REGISTRATION: optional(z.enum(["open", "admin", "off"], { message: "expected open, admin or off" })).default("open"),
  OAUTH_ACCESS_MINUTES: optional(wholeNumber(1, 24 * 60)).default(60),
  OAUTH_REFRESH_DAYS: optional(wholeNumber(1, 3650)).default(30),
  PASSWORD_LOGIN: optional(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(["on", "off"], { message: "expected on or off" })),
  )
    .default("on")
    .transform((v) => v === "on"),
  /** Provider ids; each one's OIDC_<ID>_* settings are SSO_PROVIDER_SETTINGS (sso.ts). */
  OIDC_PROVIDERS: optional(z.string()).default(""),
};

export const settingsSchema = z.object(SETTINGS);
export type Settings = z.output<typeof settingsSchema>;
export type SettingName = keyof typeof SETTINGS;
