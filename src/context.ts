// Everything a request handler may need, built once at start (or per test) and passed into
// createApp. No module-level state: two apps in one process never share anything.
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database } from "./db/database";
import type { Logger } from "./log";
import { ActivityRecorder } from "./auth/activity";
import { AuthState } from "./auth/auth-state";
import { SessionSigner } from "./auth/session-signer";
import { FailureLimiter } from "./http/failure-limiter";
import { SignInLimits } from "./modules/accounts/sign-in-limits";
import { OneTimeReveals } from "./http/one-time-reveal";
import { AuditService } from "./modules/audit/service";
import { listAuthUsers } from "./modules/users/repository";
import { listLiveSessions } from "./modules/accounts/sessions-repository";
import { listLiveTokens } from "./modules/tokens/repository";
import { createSmtpMailer, type Mailer } from "./mail/mailer";
import { VERSION } from "./version";

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
  /** Failure budgets for every secret check (passwords, setup codes, reset links). */
  failures: FailureLimiter;
  signInLimits: SignInLimits;
  reveals: OneTimeReveals;
  /** Outgoing mail through SMTP_URL; null when it is not set (reset links are then passed on by hand). */
  mailer: Mailer | null;
  /** The one-time code /setup asks for while no user exists; null once someone exists. */
  setupCode: { value: string | null };
};

export async function createContext(deps: {
  config: Config;
  db: Database;
  clock: Clock;
  log: Logger;
  commit: string;
}): Promise<AppContext> {
  const now = deps.clock.now();
  const authState = new AuthState({
    users: await listAuthUsers(deps.db),
    sessions: (await listLiveSessions(deps.db, now)).map((s) => ({ id: s.id, userId: s.user_id, expiresAt: s.expires_at })),
    tokens: (await listLiveTokens(deps.db, now)).map((t) => ({
      id: t.id,
      userId: t.user_id,
      tokenHash: t.token_hash,
      expiresAt: t.expires_at,
    })),
  });
  return {
    ...deps,
    version: VERSION,
    authState,
    activity: new ActivityRecorder(deps.db),
    audit: new AuditService(deps.clock),
    signer: new SessionSigner(deps.config.jwtSecret, deps.clock),
    failures: new FailureLimiter(deps.clock),
    signInLimits: new SignInLimits(deps.clock),
    reveals: new OneTimeReveals(deps.clock),
    mailer: deps.config.smtpUrl ? createSmtpMailer(deps.config.smtpUrl, deps.config.smtpFrom) : null,
    setupCode: { value: null },
  };
}
