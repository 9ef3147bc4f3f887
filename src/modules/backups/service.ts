// Backups while serving. A backup is a DuckDB copy taken through a second connection (one MVCC
// snapshot, see Database.snapshotTo), so writes go on while it runs; the pending last-seen/last-used
// batch is flushed first so the copy has them too. Then the copy (and nothing else: never a key) is
// packed into one checksummed archive (src/ops/backup-archive.ts), written beside its final name and renamed into
// place: a half-written backup is never listed (and is removed when the disk fills up mid-way).
// One backup runs at a time.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import type { AppContext } from "../../context";
import { Conflict, NotFound } from "../../shared/errors";
import type { BackupInfo } from "../../shared/contract";
import { backupName, isBackupName, writeBackupArchive } from "../../ops/backup-archive";
import { recipientOf } from "../../ops/backup-crypto";
import type { Actor } from "../audit/service";
import { schemaVersion } from "../../db/migrate";

export type BackupContext = Pick<AppContext, "config" | "db" | "clock" | "log" | "activity" | "audit" | "version" | "commit">;
export type BackupResult = { at: Date; ok: boolean; durationMs: number; name: string | null };
type Trigger = { actor: Actor; ip: string | null; reason: "request" | "schedule" };

const CHECK_EVERY_MS = 10 * 60_000;

function createdAtOf(name: string): Date {
  const s = name.slice("agnes-backup-".length);
  return new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`);
}

export class BackupService {
  private running: Promise<BackupInfo> | null = null;
  private readonly startedAt: Date;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The last backup's outcome, for /metrics and the backups page. */
  last: BackupResult | null = null;

  constructor(private readonly ctx: BackupContext) {
    this.startedAt = ctx.clock.now();
  }

  get dir(): string {
    return this.ctx.config.backupDir;
  }

  list(): BackupInfo[] {
    if (!existsSync(this.dir)) return [];
    const names = readdirSync(this.dir).filter(isBackupName).sort().reverse();
    return names.flatMap((name) => {
      try {
        return [{ name, size: statSync(join(this.dir, name)).size, created_at: createdAtOf(name).toISOString() }];
      } catch {
        return []; // deleted between readdir and stat
      }
    });
  }

  /** The file behind a backup name; anything that is not a backup name is simply not found. */
  pathOf(name: string): string {
    const path = join(this.dir, name);
    if (!isBackupName(name) || !existsSync(path)) throw new NotFound("No backup with that name");
    return path;
  }

  async remove(name: string, by: Trigger): Promise<void> {
    rmSync(this.pathOf(name));
    await this.ctx.audit.record(this.ctx.db, { actor: by.actor, action: "backup.delete", target: name, ip: by.ip });
  }

  async create(by: Trigger): Promise<BackupInfo> {
    if (this.running) throw new Conflict("A backup is already running; try again when it has finished");
    this.running = this.run(by);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /**
   * Called on a timer (and by tests with a fake clock): a backup when the newest is BACKUP_EVERY_HOURS
   * old, so a restart does not postpone an overdue one. With no backup yet, the first is due one
   * interval after start (a fresh server does not back up an empty database at once).
   */
  async runIfDue(): Promise<BackupInfo | null> {
    const hours = this.ctx.config.backupEveryHours;
    if (hours === 0 || this.running) return null;
    const newest = this.list()[0];
    const since = newest ? Date.parse(newest.created_at) : this.startedAt.getTime();
    const age = this.ctx.clock.now().getTime() - since;
    if (age < hours * 3_600_000) return null;
    return this.create({ actor: null, ip: null, reason: "schedule" });
  }

  start(): void {
    if (this.ctx.config.backupEveryHours === 0 || this.timer) return;
    const check = () => void this.runIfDue().catch(() => undefined);
    this.timer = setInterval(check, Math.min(CHECK_EVERY_MS, this.ctx.config.backupEveryHours * 3_600_000));
    this.timer.unref?.();
    setTimeout(check, 5_000).unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private freshName(): string {
    const encrypted = this.ctx.config.backupEncryptionKey !== null;
    let at = this.ctx.clock.now();
    while (existsSync(join(this.dir, backupName(at, encrypted)))) at = new Date(at.getTime() + 1);
    return backupName(at, encrypted);
  }

  private async run(by: Trigger): Promise<BackupInfo> {
    const started = performance.now();
    const name = this.freshName();
    const work = join(this.dir, `.partial-${name}`);
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const manifest = await this.writeArchive(work, createdAtOf(name));
      const path = join(this.dir, name);
      chmodSync(join(work, "backup.tar.gz"), 0o600); // it holds password hashes (no key: see backup-archive.ts)
      await rename(join(work, "backup.tar.gz"), path);
      const durationMs = Math.round(performance.now() - started);
      this.last = { at: this.ctx.clock.now(), ok: true, durationMs, name };
      this.ctx.log.info("backup.created", { name, size: statSync(path).size, ms: durationMs, reason: by.reason, schema_version: manifest.schema_version });
      await this.ctx.audit.record(this.ctx.db, { actor: by.actor, action: "backup.create", target: name, params: { reason: by.reason }, ip: by.ip });
      this.prune();
      return { name, size: statSync(path).size, created_at: createdAtOf(name).toISOString() };
    } catch (error) {
      this.last = { at: this.ctx.clock.now(), ok: false, durationMs: Math.round(performance.now() - started), name: null };
      // A full or read-only disk is StorageUnavailable (503), logged once per episode, not per backup.
      const failure = this.ctx.db.storage.refused(error, "backup");
      if (failure === error) this.ctx.log.error("backup.failed", { error: error instanceof Error ? error.message : String(error), reason: by.reason });
      throw failure;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  private async writeArchive(work: string, createdAt: Date) {
    mkdirSync(work, { mode: 0o700 });
    await this.ctx.activity.flush().catch(() => undefined);
    const version = await schemaVersion(this.ctx.db);
    const databaseFile = join(work, "system.duckdb");
    await this.ctx.db.snapshotTo(databaseFile);
    return writeBackupArchive(join(work, "backup.tar.gz"), {
      databaseFile,
      recipient: this.ctx.config.backupEncryptionKey ? await recipientOf(this.ctx.config.backupEncryptionKey) : null,
      meta: { agnes_version: this.ctx.version, commit: this.ctx.commit, created_at: createdAt.toISOString(), schema_version: version },
    });
  }

  /** Keeps the newest BACKUP_KEEP backups. */
  private prune(): void {
    for (const old of this.list().slice(this.ctx.config.backupKeep)) {
      rmSync(join(this.dir, old.name), { force: true });
      this.ctx.log.info("backup.pruned", { name: old.name });
    }
  }
}
