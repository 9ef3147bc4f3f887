// `da admin backup create|list|download`: the server's backups (admin role), over /api/admin/backups.
// Restoring is not here on purpose: it happens on the host with the server stopped (see README).
import { createWriteStream, existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { Writable } from "node:stream";
import type { BackupInfo } from "../../src/shared/contract";
import { JSON_FLAG, type Group } from "../command";
import type { Context } from "../context";
import { CliError } from "../errors";
import { done, formatTime, printJson, printTable, success } from "../output";

const BACKUP_TIMEOUT_MS = 10 * 60_000;

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function createBackup(ctx: Context): Promise<void> {
  const backup = await ctx.api().post<BackupInfo>("/api/admin/backups", undefined, { timeoutMs: BACKUP_TIMEOUT_MS });
  if (ctx.json) return printJson(backup);
  success(`Created ${backup.name} (${size(backup.size)})`);
}

async function listBackups(ctx: Context): Promise<void> {
  const backups = await ctx.api().get<BackupInfo[]>("/api/admin/backups");
  if (ctx.json) return printJson(backups);
  printTable(
    backups,
    [
      { header: "NAME", value: (b) => b.name },
      { header: "CREATED", value: (b) => formatTime(b.created_at) },
      { header: "SIZE", value: (b) => size(b.size) },
    ],
    "No backups yet.",
  );
}

/** Streams to `<file>.partial` and renames, so an interrupted download never looks like a backup. */
async function downloadBackup(ctx: Context): Promise<void> {
  const name = ctx.args[0]!;
  const api = ctx.api();
  // The server accepts only its own backup names; basename() keeps a hostile one out of other directories.
  const target = resolve(ctx.flag("output") ?? join(".", basename(name)));
  if (existsSync(target)) throw new CliError(`${target} already exists`, "remove it or pass --output <file>");
  const response = await api.send("GET", `/api/admin/backups/${encodeURIComponent(name)}`, { timeoutMs: BACKUP_TIMEOUT_MS });
  if (!response.ok) throw await api.failure(response, {});
  const partial = `${target}.partial`;
  try {
    await response.body!.pipeTo(Writable.toWeb(createWriteStream(partial, { mode: 0o600, flags: "wx" })));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw new CliError(`download of ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  done(ctx.json, `Saved ${name} to ${target}`, { name, path: target });
}

export const adminBackupGroup: Group = {
  kind: "group",
  name: "backup",
  summary: "The server's backups: create, list, download (restore runs on the host)",
  children: [
    { kind: "command", name: "create", summary: "Back up the server now (it keeps serving)", maxArgs: 0, flags: JSON_FLAG, run: createBackup },
    { kind: "command", name: "list", summary: "List backups, newest first", maxArgs: 0, flags: JSON_FLAG, run: listBackups },
    {
      kind: "command",
      name: "download",
      summary: "Download a backup file",
      args: "<name>",
      minArgs: 1,
      maxArgs: 1,
      flags: { output: { type: "string", short: "o", valueName: "file", description: "where to save it (default: ./<name>)" }, ...JSON_FLAG },
      run: downloadBackup,
    },
  ],
};
