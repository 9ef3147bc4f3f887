// `da sync`: downloads the datasets that changed into DIR/server/parquet/<name>.parquet (DIR: --dir,
// else DA_LOCAL_DIR, else the current directory). A download goes to `<name>.parquet.partial`; an
// interrupted one resumes with a byte range (If-Range: the hash it was started for); the finished
// file is checked against the manifest's SHA-256 before it replaces the old one. The state file
// (DIR/server/sync-state.json) records the hash each local file has. One run at a time per DIR
// (DIR/server/sync.lock, cli/dir-lock.ts).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { SyncManifest } from "../../src/shared/contract";
import { DATASET_NAME_PATTERN } from "../../src/shared/contract";
import { JSON_FLAG, type Command } from "../command";
import type { Context } from "../context";
import type { Api } from "../api";
import { lockFor } from "../dir-lock";
import { CliError, EXIT_FAILURE } from "../errors";
import { info, printJson, success, warn } from "../output";
import { type Progress, progressBar } from "../progress";
import { sys } from "../system";

type State = { tables: Record<string, { hash: string; partial_hash?: string }> };
type Outcome = { downloaded: string[]; skipped: string[]; errors: { table: string; error: string }[] };
const DOWNLOAD_TIMEOUT_MS = 60 * 60_000;

function readState(file: string): State {
  try {
    const state = JSON.parse(readFileSync(file, "utf8")) as State;
    return state && typeof state.tables === "object" ? state : { tables: {} };
  } catch {
    return { tables: {} };
  }
}

// A fresh download's body is written by Bun natively (no JS per chunk: a JS loop over the chunks
// into a FileSink cost 0.89–0.91 s of CPU per 500 MB, this 0.73–0.75 s, curl 0.69–0.71 s), and
// this thread hashes the file as it grows, a slice between two of Bun's writes. What is hashed is
// what is on disk: the bytes that get installed. Bun's hasher: node:crypto's cost a 470 MB download
// about 40 % of its speed (measured).
const HASH_SLICE_BYTES = 1024 * 1024;
const IDLE_WAIT_MAX_MS = 16;

/**
 * The SHA-256 of `path` from its first byte, read while another writer appends to it, until
 * `finished()` says the writer is done and every byte is read. `bar` advances by the bytes past
 * `start` (what was there before a resumed download is hashed but was not downloaded now).
 */
async function hashGrowingFile(path: string, finished: () => boolean, start: number, bar: Progress | null): Promise<string> {
  const digest = new Bun.CryptoHasher("sha256");
  const buffer = new Uint8Array(HASH_SLICE_BYTES);
  const fd = openSync(path, "r");
  let position = 0;
  let idleMs = 1;
  try {
    for (;;) {
      // Read before the read: a writer that was done then has nothing left that this read misses.
      const last = finished();
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read > 0) {
        digest.update(buffer.subarray(0, read));
        bar?.advance(Math.max(0, position + read - Math.max(position, start)));
        position += read;
        idleMs = 1;
        await new Promise((next) => setImmediate(next)); // let Bun write the next chunk
      } else if (last) {
        return digest.digest("hex");
      } else {
        await Bun.sleep(idleMs); // caught up with a slower network: back off, up to IDLE_WAIT_MAX_MS
        idleMs = Math.min(IDLE_WAIT_MAX_MS, idleMs * 2);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A resumed download's rest, written at its offset. Not Bun.write: given a body it already holds
 * whole, Bun reserves the body's size from offset 0 (fallocate) and an appending write then lands
 * after that reservation (measured: the rest was written at twice its length).
 */
async function writeAt(fd: number, response: Response, position: number): Promise<void> {
  for await (const chunk of (response.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
    for (let done = 0; done < chunk.byteLength; ) done += writeSync(fd, chunk, done, chunk.byteLength - done, position + done);
    position += chunk.byteLength;
  }
}

/** Writes the body into `fd` (at `start`) while hashing the file; a broken transfer throws. */
async function writeAndHash(fd: number, partial: string, response: Response, start: number, bar: Progress | null): Promise<string> {
  let finished = false;
  const writing = (start > 0 ? writeAt(fd, response, start) : Bun.write(Bun.file(fd), response)).finally(() => {
    finished = true;
  });
  // Settled both: the writer holds the fd until it is done, even when hashing failed.
  const [written, hashed] = await Promise.allSettled([writing, hashGrowingFile(partial, () => finished, start, bar)]);
  if (written.status === "rejected") throw written.reason;
  if (hashed.status === "rejected") throw hashed.reason;
  return hashed.value;
}

/**
 * Downloads one table into `partial` (resuming it when it was started for the same hash) and
 * returns the SHA-256 of the whole file, computed as the bytes arrive (no second pass).
 */
async function fetchInto(api: Api, name: string, hash: string, partial: string, resume: boolean, quiet: boolean): Promise<string> {
  const offset = resume && existsSync(partial) ? statSync(partial).size : 0;
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-`, "if-range": `"${hash}"` } : {};
  const response = await api.send("GET", `/api/data/${encodeURIComponent(name)}/download`, { headers, timeoutMs: DOWNLOAD_TIMEOUT_MS });
  if (response.status === 416) {
    await rm(partial, { force: true }); // a partial longer than the file: start again next time
    throw new CliError("the partial download does not fit the file; run `da sync` again");
  }
  if (!response.ok) throw await api.failure(response, {});
  // 206: the rest goes after what is there; 200: the server sent it all, start over.
  const start = response.status === 206 ? offset : 0;
  const fd = openSync(partial, start > 0 ? "r+" : "w", 0o600);
  const bar = progressBar(name, start + Number(response.headers.get("content-length") ?? 0), { start, quiet });
  try {
    // Also when the transfer broke (writeAndHash throws): what arrived is kept, the next run resumes after it.
    const digest = await writeAndHash(fd, partial, response, start, bar);
    // Read while Bun wrote, the hash can have covered a reserved region before its bytes were in it
    // (zeros: see writeAt); a mismatch is confirmed on the finished file before it is refused.
    return digest === hash ? digest : await hashGrowingFile(partial, () => true, Number.POSITIVE_INFINITY, null);
  } finally {
    closeSync(fd);
    bar?.done();
  }
}

async function syncTable(api: Api, dir: string, state: State, name: string, hash: string, out: Outcome, saveState: () => Promise<void>, quiet: boolean) {
  const target = join(dir, `${name}.parquet`);
  if (state.tables[name]?.hash === hash && existsSync(target)) {
    out.skipped.push(name);
    return;
  }
  const partial = `${target}.partial`;
  const resume = state.tables[name]?.partial_hash === hash;
  state.tables[name] = { ...state.tables[name], hash: state.tables[name]?.hash ?? "", partial_hash: hash };
  await saveState();
  if ((await fetchInto(api, name, hash, partial, resume, quiet)) !== hash) {
    await rm(partial, { force: true });
    throw new CliError(`${name}: the download does not match the server's hash; the old file is kept`);
  }
  await rename(partial, target);
  state.tables[name] = { hash };
  await saveState();
  out.downloaded.push(name);
}

async function runSync(ctx: Context): Promise<number> {
  const root = resolve(ctx.flag("dir") ?? sys().env.DA_LOCAL_DIR ?? ".");
  const dir = join(root, "server", "parquet");
  mkdirSync(dir, { recursive: true });
  const release = lockFor(join(root, "server", "sync.lock"), "`da sync`");
  try {
    return await syncInto(ctx, root, dir);
  } finally {
    release();
  }
}

async function syncInto(ctx: Context, root: string, dir: string): Promise<number> {
  const stateFile = join(root, "server", "sync-state.json");
  const state = readState(stateFile);
  const saveState = () => writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  const api = ctx.api();
  const { tables } = await api.get<SyncManifest>("/api/sync/manifest");
  const only = ctx.flag("table");
  if (only !== undefined && !tables[only])
    throw new CliError(`there is no dataset named ${only} (or you may not read it)`, "`da sync` lists what you may read");
  const out: Outcome = { downloaded: [], skipped: [], errors: [] };
  for (const [name, table] of Object.entries(tables)) {
    if ((only !== undefined && name !== only) || !DATASET_NAME_PATTERN.test(name)) continue;
    try {
      await syncTable(api, dir, state, name, table.hash, out, saveState, ctx.json);
    } catch (error) {
      out.errors.push({ table: name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (ctx.json) printJson({ dir, ...out });
  else {
    for (const name of out.downloaded) success(`${name} downloaded`);
    for (const e of out.errors) warn(`${e.table}: ${e.error}`);
    info(`${out.downloaded.length} downloaded, ${out.skipped.length} up to date, ${out.errors.length} failed — ${dir}`);
  }
  return out.errors.length ? EXIT_FAILURE : 0;
}

export const syncCommand: Command = {
  kind: "command",
  name: "sync",
  summary: "Download the datasets that changed, as Parquet files",
  maxArgs: 0,
  flags: {
    table: { type: "string", valueName: "name", description: "only this dataset" },
    dir: {
      type: "string",
      valueName: "dir",
      description: "where to keep them (default: DA_LOCAL_DIR, else the current directory); files go to DIR/server/parquet/",
    },
    ...JSON_FLAG,
  },
  run: runSync,
};
