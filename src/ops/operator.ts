// Operator commands, run on the host (or in the container) with the server's entry point:
//   bun src/server.ts restore <file> [--replace]
//   bun src/server.ts recover-admin <email> [--name <name>]
// They read the same environment as the server (DATA_DIR, PUBLIC_URL, …). Output is for people;
// failures are one line and an exit code (1 failed, 2 refused), never a stack trace.
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { systemClock } from "../clock";
import { ConfigError, loadConfig } from "../config";
import { Database, DatabaseLocked } from "../db/database";
import { migrate } from "../db/migrate";
import { AuditService } from "../modules/audit/service";
import { RESET_PATH } from "../modules/password-reset/service";
import { recoverAdmin } from "../modules/users/recovery";
import { HttpError } from "../shared/errors";
import { inUseMessage, OperatorError } from "./operator-error";
import { restoreBackup } from "./restore";
import { ageKeyProblem, isAgeIdentity } from "./backup-crypto";

const USAGE = `usage:
  bun src/server.ts restore <backup-file> [--replace]   restore DATA_DIR from a backup (server stopped)
  bun src/server.ts recover-admin <email> [--name NAME]  make <email> an active admin (or create it) and print a reset link
`;

type Env = Record<string, string | undefined>;
type Out = { out: (line: string) => void; err: (line: string) => void };

async function restoreCommand(args: string[], env: Env, io: Out): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { replace: { type: "boolean" } }, allowPositionals: true });
  if (positionals.length !== 1) throw new OperatorError(`agnes: restore needs exactly one backup file\n${USAGE}`, 2);
  const dataDir = resolve(env.DATA_DIR || "./data");
  const result = await restoreBackup({ file: positionals[0]!, dataDir, replace: values.replace === true, identity: backupIdentity(env) });
  const m = result.manifest;
  io.out(`Restored ${positionals[0]} (Agnes ${m.agnes_version}, made ${m.created_at}, ${result.users} users) into ${dataDir} in ${result.ms} ms.`);
  if (result.movedAside) io.out(`The previous state is kept in ${result.movedAside}.`);
  if (result.sessionKey === "kept") io.out("This host's session key was kept (state/jwt-secret), so sessions from before keep working.");
  if (result.sessionKey === "none") {
    io.out(
      `A backup holds no session key. Set JWT_SECRET_KEY to the value the server used, or copy its kept jwt-secret file to ${join(dataDir, "state", "jwt-secret")} (mode 0600), before starting; otherwise everyone signs in again (personal access tokens keep working).`,
    );
  }
  io.out("Start the server as usual (bun run start); it applies any newer migrations on start.");
  return 0;
}

/** The age identity in BACKUP_ENCRYPTION_KEY (a recipient alone cannot decrypt), checked like at start. */
function backupIdentity(env: Env): string | null {
  const key = env.BACKUP_ENCRYPTION_KEY;
  if (!key) return null;
  const problem = ageKeyProblem(key);
  if (problem) throw new OperatorError(`agnes: configuration error: BACKUP_ENCRYPTION_KEY: ${problem}`, 2);
  return isAgeIdentity(key) ? key : null;
}

async function recoverCommand(args: string[], env: Env, io: Out): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { name: { type: "string" } }, allowPositionals: true });
  if (positionals.length !== 1) throw new OperatorError(`agnes: recover-admin needs exactly one email\n${USAGE}`, 2);
  const config = loadConfig(env);
  let db: Database;
  try {
    db = await Database.open(join(config.stateDir, "system.duckdb"));
  } catch (error) {
    if (error instanceof DatabaseLocked)
      throw new OperatorError(`${inUseMessage(config.dataDir, error, "cannot recover an admin")}. Stop the server first, then run this again.`, 2);
    throw error;
  }
  try {
    await migrate(db);
    const r = await recoverAdmin({ db, clock: systemClock, audit: new AuditService(systemClock) }, positionals[0]!, values.name ?? "");
    const base = config.publicUrl ?? `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`;
    const was = r.previous ? `was ${r.previous.role}${r.previous.active ? "" : ", deactivated"}` : "created";
    io.out(`${r.email} is now an active admin (${was}). Single-use link to set a password, valid until ${r.expiresAt.toISOString()}:`);
    io.out(`${base}${RESET_PATH}?token=${encodeURIComponent(r.token)}`);
    return 0;
  } finally {
    await db.close();
  }
}

/** Runs `restore` or `recover-admin`; returns the process exit code. */
export async function runOperatorCommand(argv: string[], env: Env = process.env, io: Out = { out: console.log, err: console.error }): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === "restore") return await restoreCommand(args, env, io);
    if (command === "recover-admin") return await recoverCommand(args, env, io);
    if (command === "help" || command === "--help") {
      io.out(USAGE.trimEnd());
      return 0;
    }
    throw new OperatorError(`agnes: unknown command "${command}"\n${USAGE}`, 2);
  } catch (error) {
    const failure = describeFailure(error, command ?? "");
    io.err(failure.message);
    return failure.exitCode;
  }
}

/** Refusals and usage errors exit 2 with their message; anything else failed (1), still in one line. */
function describeFailure(error: unknown, command: string): { message: string; exitCode: number } {
  if (error instanceof OperatorError) return { message: error.message.trimEnd(), exitCode: error.exitCode };
  if (error instanceof ConfigError) return { message: `agnes: configuration error: ${error.message}`, exitCode: 2 };
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof HttpError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
    return { message: `agnes: ${command}: ${(error as Error).message}\n${USAGE}`.trimEnd(), exitCode: 2 };
  }
  return { message: `agnes: ${command} failed: ${error instanceof Error ? error.message : String(error)}`, exitCode: 1 };
}
