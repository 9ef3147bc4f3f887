// Start-up only: config → database → migrations → first run → listen.
import { join } from "node:path";
import { createApp } from "./app";
import { systemClock } from "./clock";
import { ConfigError, loadConfig, type Config } from "./config";
import { createContext } from "./context";
import { Database, DatabaseLocked } from "./db/database";
import { migrate } from "./db/migrate";
import { createLogger } from "./log";
import { prepareFirstRun } from "./modules/accounts/service";
import { threadPoolHint } from "./modules/data/service";
import { readCommit } from "./version";
import { errorSummary } from "./http/error-summary";
import { fixedHeaders } from "./http/security-headers";
import { publicUrlUnsetHint } from "./http/public-url";
import { runOperatorCommand } from "./ops/operator";
import { inUseMessage } from "./ops/operator-error";
import { gracefulShutdown } from "./modules/system/shutdown";
import { AuditRetention } from "./modules/audit/retention";
import { startExpiryNotices } from "./modules/tokens/expiry-notices";
import type { PasswordCost } from "./auth/passwords";

// Bun's outer bound on any request body; routes have smaller ones (src/http/request-body.ts).
const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
const UPLOAD_READ_AHEAD_BYTES = 256 * 1024 * 1024;

const log = createLogger();

/**
 * The password cost is a parameter of the code, never of the environment: `bun src/server.ts` always
 * runs at production cost. Only the test suite's entry (test/helpers/test-server-main.ts) passes a
 * cheaper one, so the real-process tests sign in quickly.
 */
export type ServeOptions = { passwordCost?: PasswordCost };

export async function main(options: ServeOptions = {}): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`agnes: configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const db = await openOrExit(join(config.stateDir, "system.duckdb"), config.dataDir);
  const applied = await migrate(db);
  if (applied.length) log.info("db.migrated", { versions: applied.join(",") });
  const ctx = await createContext({ config, db, clock: systemClock, log, commit: readCommit(), passwordCost: options.passwordCost });
  await prepareFirstRun(ctx);
  ctx.activity.start();
  ctx.backups.start();
  const auditRetention = new AuditRetention(ctx);
  void auditRetention.start();
  setInterval(() => ctx.authState.pruneExpired(ctx.clock.now()), 10 * 60_000).unref();
  const stopExpiryNotices = startExpiryNotices(ctx);
  installSafetyNet(log);
  logStartupNotes(config);
  const app = createApp(ctx).listen(listenOptions(config));
  ctx.listener = app.server;
  const url = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${app.server!.port}`;
  if (config.cliBuildOnStart === "auto") void ctx.cliBuilder.start();
  log.info("server.listening", { url, data_dir: config.dataDir, version: ctx.version, mail: ctx.mailer?.server ?? "off" });

  const shutdown = gracefulShutdown(log, {
    stopServer: (force) => app.stop(force),
    steps: [
      { name: "cli_builder", run: () => ctx.cliBuilder.stop() },
      { name: "backups", run: () => ctx.backups.stop() },
      { name: "audit_retention", run: () => auditRetention.stop() },
      { name: "expiry_notices", run: async () => stopExpiryNotices() },
      { name: "activity_flush", run: () => ctx.activity.stop() },
      { name: "query_audit_flush", run: () => ctx.data.audits.flush() },
      { name: "query_sandbox", run: async () => ctx.data.close() },
      { name: "database", run: () => db.close() },
    ],
  });
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/** What the operator should know at start: redirect URIs to register, password sign-in off, no PUBLIC_URL. */
function logStartupNotes(config: Config): void {
  for (const provider of config.sso.providers) {
    // The operator registers this exact redirect URI at the provider.
    log.info("sso.provider", { id: provider.id, issuer: provider.issuer, redirect_uri: provider.redirectUri, roles_from_groups: provider.groupRoles !== null });
  }
  if (!config.sso.passwordLogin)
    log.info("sso.password_login_off", { hint: "password sign-in, POST /auth/token with a password and `da login` passwords are off" });
  const publicUrlHint = publicUrlUnsetHint(config);
  if (publicUrlHint) log.warn("config.public_url_unset", { trust_proxy: config.trustProxy, hint: publicUrlHint });
  const poolHint = threadPoolHint(config.data);
  if (poolHint) log.warn("config.thread_pool_small", { hint: poolHint });
}

function listenOptions(config: Config) {
  const headers = fixedHeaders(config.cliMinVersion);
  return {
    port: config.port,
    hostname: config.host,
    // Never Bun's development error page (stack frames, source paths), whatever NODE_ENV says.
    development: false,
    error: (error: Error) => {
      log.error("server.error", { error: errorSummary(error) });
      // Bun's last resort, e.g. a file body that vanished between the handler and the send.
      return Response.json({ detail: "Internal server error" }, { status: 500, headers });
    },
    // The outer bound: dataset uploads may be DATASET_MAX_MB; every other route has its own, much
    // smaller cap in the body parser (src/http/request-body.ts). The slack is Bun's read-ahead: it
    // receives tens of MB beyond what the handler has written to disk (measured ~50 MB on loopback),
    // and its own 413 at this bound has no body; the upload's own 413, with its detail, must come first.
    maxRequestBodySize: Math.max(MAX_REQUEST_BODY_BYTES, config.data.datasetMaxBytes + UPLOAD_READ_AHEAD_BYTES),
  };
}

/** One server per DATA_DIR: a second one says so in one line and exits 2, touching nothing. */
async function openOrExit(path: string, dataDir: string): Promise<Database> {
  try {
    return await Database.open(path);
  } catch (error) {
    if (!(error instanceof DatabaseLocked)) throw error;
    console.error(inUseMessage(dataDir, error, "not starting"));
    process.exit(2);
  }
}

/** Anything that still escapes a request is logged and survives: one request must not end the server. */
function installSafetyNet(logger: typeof log): void {
  process.on("uncaughtException", (error) => logger.error("process.uncaught_exception", { error: errorSummary(error) }));
  process.on("unhandledRejection", (error) => logger.error("process.unhandled_rejection", { error: errorSummary(error) }));
}

// `bun src/server.ts restore …` / `recover-admin …`: operator commands (src/ops/operator.ts).
if (import.meta.main) {
  if (process.argv.length > 2) process.exit(await runOperatorCommand(process.argv.slice(2)));
  else await main();
}
