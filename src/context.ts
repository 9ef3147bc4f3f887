// Everything a request handler may need, built once at start (or per test) and passed into
// createApp. No module-level state: two apps in one process never share anything.
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database } from "./db/database";
import type { Logger } from "./log";
import { ActivityRecorder } from "./auth/activity";
import { AuthState } from "./auth/auth-state";
import { readAuthRecords } from "./modules/accounts/auth-records";
import { writeSessionLastSeen } from "./modules/accounts/sessions";
import { writeTokenLastUsed } from "./modules/tokens/service";
import { writeGrantLastUsed } from "./modules/oauth/grants";
import { authEffectsOf, usersLockedOut, usersRevoked } from "./auth/auth-effects";
import { SessionSigner } from "./auth/session-signer";
import { PasswordHasher, type PasswordCost } from "./auth/passwords";
import { FailureLimiter } from "./http/failure-limiter";
import { SignInLimits } from "./modules/accounts/sign-in-limits";
import { OneTimeReveals } from "./http/one-time-reveal";
import { AuditService } from "./modules/audit/service";
import { createSmtpMailer, type Mailer } from "./mail/mailer";
import { VERSION } from "./version";
import { CliDistribution } from "./modules/distribution/service";
import { CliBuilder } from "./modules/distribution/builder";
import { keyIdHex } from "./shared/minisign";
import { BackupService } from "./modules/backups/service";
import { AppMetrics } from "./modules/metrics/registry";
import type { RequestIpSource } from "./http/client-ip";
import { DataService } from "./modules/data/service";
import { systemQueryAudits } from "./modules/data/query-audit";

export type AppContext = {
  config: Config;
  db: Database;
  clock: Clock;
  log: Logger;
  version: string;
  commit: string;
  authState: AuthState;
  activity: ActivityRecorder;
  audit: AuditService;
  signer: SessionSigner;
  /** argon2id at production cost; only the test helper builds a context with a cheaper one. */
  passwords: PasswordHasher;
  /** Failure budgets for every secret check (passwords, setup codes, reset links). */
  failures: FailureLimiter;
  signInLimits: SignInLimits;
  reveals: OneTimeReveals;
  /** Outgoing mail through SMTP_URL; null when it is not set (reset links are then passed on by hand). */
  mailer: Mailer | null;
  /** The one-time code /setup asks for while no user exists; null once someone exists. */
  setupCode: { value: string | null };
  /** The served `da` binaries on disk, and their background build at start (CLI_BUILD_ON_START). */
  cliDist: CliDistribution;
  cliBuilder: CliBuilder;
  /** Backups on demand and on schedule (BACKUP_EVERY_HOURS), under BACKUP_DIR. */
  backups: BackupService;
  /** This app's Prometheus registry (/metrics). */
  metrics: AppMetrics;
  /** Datasets, the user-query sandbox and its limits (src/modules/data). */
  data: DataService;
  /**
   * The HTTP server once it listens (src/server.ts), where client addresses come from; null for an
   * app driven through app.handle. Routes read it here, not from Elysia's `server`: reading that
   * makes Elysia redefine a property on every request's context.
   */
  listener: RequestIpSource;
};

export async function createContext(deps: {
  config: Config;
  db: Database;
  clock: Clock;
  log: Logger;
  commit: string;
  /** Never read from the environment: the server leaves it out (production cost); tests pass a cheap one. */
  passwordCost?: PasswordCost;
}): Promise<AppContext> {
  deps.db.storage.log = deps.log; // one line when a full or read-only disk starts refusing writes, one when it recovers
  const { state: authState, apply } = AuthState.load(await readAuthRecords(deps.db, deps.clock.now()));
  const reveals = new OneTimeReveals(deps.clock);
  const audit = new AuditService(deps.clock);
  const data = await DataService.open(deps.config.data, deps.db, authState.groups, systemQueryAudits(deps.db, audit, deps.log), (id) => authState.user(id));
  // The only way the auth state changes: committed transactions' effects. A secret waiting to be
  // shown once (a new token, a reset link) is void as soon as its user is deactivated or deleted,
  // or their sessions are ended by a revocation (users/lifecycle.ts).
  deps.db.onCommitted((committed) => {
    const effects = authEffectsOf(committed);
    apply(effects);
    for (const userId of usersRevoked(effects)) reveals.forgetSubject(userId);
    for (const userId of usersLockedOut(effects)) data.stopQueriesOf(userId); // deactivation stops queries at once
  });
  const cliDist = new CliDistribution(deps.config.cliDistDir, deps.log);
  const ctx: Omit<AppContext, "backups" | "metrics" | "listener"> = {
    ...deps,
    data,
    cliDist,
    cliBuilder: new CliBuilder(cliDist, VERSION, deps.log, {
      file: deps.config.daSigningKeyFile,
      keyId: keyIdHex(deps.config.daSigningKey.keyId),
    }),
    version: VERSION,
    authState,
    activity: new ActivityRecorder(deps.db, { sessionSeen: writeSessionLastSeen, tokenUsed: writeTokenLastUsed, grantUsed: writeGrantLastUsed }),
    audit,
    signer: new SessionSigner(deps.config.jwtSecret, deps.clock),
    passwords: new PasswordHasher(deps.passwordCost),
    failures: new FailureLimiter(deps.clock),
    signInLimits: new SignInLimits(deps.clock),
    reveals,
    mailer: deps.config.smtpUrl ? createSmtpMailer(deps.config.smtpUrl, deps.config.smtpFrom) : null,
    setupCode: { value: null },
  };
  const backups = new BackupService(ctx);
  return { ...ctx, backups, metrics: new AppMetrics({ db: deps.db, authState, clock: deps.clock, backups }), listener: null };
}
