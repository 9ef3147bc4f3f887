// `da sync`'s download of one file into its `.partial`: a fresh body is written by Bun natively, a
// resumed rest at its offset, and the file is hashed as it grows. The manifest bounds the transfer:
// no more than its size is read (a server, or a gzip bomb, sending bytes without end stops there),
// and a body that brings nothing new for DA_TIMEOUT seconds ends the run (what arrived is kept).
import { closeSync, constants, ftruncateSync, lstatSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { Api } from "../api";
import { requestTimeoutMs } from "../api";
import { CliError } from "../errors";
import { type Progress, progressBar } from "../progress";

/** What the manifest says the file is. */
export type Expected = { hash: string; size: number };

// A fresh download's body is written by Bun natively (no JS per chunk: a JS loop over the chunks
// into a FileSink cost 0.89–0.91 s of CPU per 500 MB, this 0.73–0.75 s, curl 0.69–0.71 s), and
// this thread hashes the file as it grows, a slice between two of Bun's writes. What is hashed is
// what is on disk: the bytes that get installed. Bun's hasher: node:crypto's cost a 470 MB download
// about 40 % of its speed (measured).
const HASH_SLICE_BYTES = 1024 * 1024;
const IDLE_WAIT_MAX_MS = 16;

/** The server sent more than the manifest's size: nothing of it is worth resuming. */
class TooLong extends CliError {}

/** How the hasher ends a transfer that goes wrong: past `size`, or no new byte for `idleMs`. */
type Watch = { size: number; idleMs: number; server: string };

/**
 * The SHA-256 of the file open as `fd` from its first byte, read (at a position, so the writer's
 * offset is not moved) while another writer appends to it, until `finished()` says the writer is
 * done and every byte is read. `bar` advances by the bytes past `start` (what was there before a
 * resumed download is hashed but was not downloaded now).
 */
async function hashGrowingFile(fd: number, finished: () => boolean, start: number, bar: Progress | null, watch: Watch | null): Promise<string> {
  const digest = new Bun.CryptoHasher("sha256");
  const buffer = new Uint8Array(HASH_SLICE_BYTES);
  let position = 0;
  let idleMs = 1;
  let grewAt = performance.now();
  for (;;) {
    // Read before the read: a writer that was done then has nothing left that this read misses.
    const last = finished();
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read > 0) {
      if (watch && position + read > watch.size)
        throw new TooLong(`the server sent more than the ${watch.size} bytes the manifest gives (if the dataset changed since, run \`da sync\` again)`);
      digest.update(buffer.subarray(0, read));
      bar?.advance(Math.max(0, position + read - Math.max(position, start)));
      position += read;
      idleMs = 1;
      grewAt = performance.now();
      await new Promise((next) => setImmediate(next)); // let Bun write the next chunk
    } else if (last) {
      return digest.digest("hex");
    } else if (watch && performance.now() - grewAt > watch.idleMs) {
      throw new CliError(`${watch.server} sent nothing for ${watch.idleMs / 1000} s; what arrived is kept, \`da sync\` resumes after it`);
    } else {
      await Bun.sleep(idleMs); // caught up with a slower network: back off, up to IDLE_WAIT_MAX_MS
      idleMs = Math.min(IDLE_WAIT_MAX_MS, idleMs * 2);
    }
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

/** Writes the body into `fd` (at `start`) while hashing the file; a broken, stalled or overlong transfer throws. */
async function writeAndHash(fd: number, response: Response, start: number, bar: Progress | null, watch: Watch, stop: AbortController) {
  let finished = false;
  const writing = (start > 0 ? writeAt(fd, response, start) : Bun.write(Bun.file(fd), response)).finally(() => {
    finished = true;
  });
  const hashing = hashGrowingFile(fd, () => finished, start, bar, watch).catch((error: unknown) => {
    stop.abort(error); // ends the writer too
    throw error;
  });
  // Settled both: the writer holds the fd until it is done, even when hashing failed.
  const [written, hashed] = await Promise.allSettled([writing, hashing]);
  if (hashed.status === "rejected") throw hashed.reason;
  if (written.status === "rejected") throw written.reason;
  return hashed.value;
}

/**
 * The partial, open for reading and writing, never through a symlink (one planted there would make
 * da write the dataset over the file it points to): a fresh one is made anew, a kept one is opened
 * as it is. Hashing through this fd covers the very file that is written.
 */
function openPartial(partial: string, fresh: boolean): number {
  if (!fresh) return openSync(partial, constants.O_RDWR | constants.O_NOFOLLOW);
  rmSync(partial, { force: true });
  return openSync(partial, "wx+", 0o600);
}

/** The bytes a regular file at `path` holds; 0 for none (or anything else there, a symlink too). */
function keptBytes(path: string): number {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat?.isFile() ? stat.size : 0;
}

/**
 * Downloads one table into `partial` (resuming it when it was started for the same hash) and
 * returns the SHA-256 of the whole file, computed as the bytes arrive (no second pass).
 */
export async function fetchInto(api: Api, name: string, expected: Expected, partial: string, resume: boolean, quiet: boolean): Promise<string> {
  const kept = resume ? keptBytes(partial) : 0;
  const offset = kept < expected.size ? kept : 0; // as long as the file or longer: not a start to go on from
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-`, "if-range": `"${expected.hash}"` } : {};
  const stop = new AbortController();
  const response = await api.send("GET", `/api/data/${encodeURIComponent(name)}/download`, { headers, signal: stop.signal });
  if (response.status === 416) {
    await rm(partial, { force: true }); // a partial longer than the file: start again next time
    throw new CliError("the partial download does not fit the file; run `da sync` again");
  }
  if (!response.ok) throw await api.failure(response, {});
  // 206: the rest goes after what is there; 200: the server sent it all, start over.
  const start = response.status === 206 ? offset : 0;
  const fd = openPartial(partial, start === 0);
  const bar = progressBar(name, expected.size, { start, quiet });
  const watch = { size: expected.size, idleMs: requestTimeoutMs(), server: api.server };
  try {
    // Also when the transfer broke (writeAndHash throws): what arrived is kept, the next run resumes after it.
    const digest = await writeAndHash(fd, response, start, bar, watch, stop);
    // Read while Bun wrote, the hash can have covered a reserved region before its bytes were in it
    // (zeros: see writeAt); a mismatch is confirmed on the finished file before it is refused.
    return digest === expected.hash ? digest : await hashGrowingFile(fd, () => true, Number.POSITIVE_INFINITY, null, null);
  } catch (error) {
    if (error instanceof TooLong) ftruncateSync(fd, 0);
    throw error;
  } finally {
    closeSync(fd);
    bar?.done();
  }
}
