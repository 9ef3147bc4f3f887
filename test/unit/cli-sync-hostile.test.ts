// `da sync` against a server that misbehaves (compromised, or a broken proxy in front of it) and
// next to another run: da in process with the real `fetch` against a Bun.serve on 127.0.0.1, so
// what crosses the socket is real HTTP (lengths, chunking, gzip). The properties: nothing that does
// not hash to the manifest's value is installed, what is written stays within the manifest's size,
// a stalled server ends the run (the partial kept for a resume), and one run at a time per DIR.
import { afterAll, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { AGNES, FILE, HASH, TABLE, serve, syncPaths as paths, syncWith, whole } from "../helpers/sync-server";

const root = mkdtempSync(join(tmpdir(), "da-sync-hostile-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sync = (server: { url: URL }, dir: string, args: string[] = [], env: Record<string, string> = {}) =>
  syncWith(join(root, "config"), server, dir, args, env);

test("a lock held by a live process refuses the run; one left by a killed run, or with this pid, is taken over and released", async () => {
  const server = serve(whole);
  const dir = join(root, "locked");
  mkdirSync(join(dir, "server"), { recursive: true });
  const holder = Bun.spawn(["sleep", "30"]);
  const gone = Bun.spawn(["true"]);
  await gone.exited;
  try {
    writeFileSync(paths(dir).lock, String(holder.pid));
    const refused = await sync(server, dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`another \`da sync\` (process ${holder.pid}) is working in ${join(dir, "server")}`);
    expect(existsSync(paths(dir).target)).toBe(false);
    expect(readFileSync(paths(dir).lock, "utf8")).toBe(String(holder.pid));

    writeFileSync(paths(dir).lock, String(gone.pid));
    const run = await sync(server, dir);
    expect(run.code).toBe(0);
    expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
    expect(existsSync(paths(dir).lock)).toBe(false);

    // Left by an earlier process with this one's pid (a container's runs can all be pid 1).
    writeFileSync(paths(dir).lock, String(process.pid));
    rmSync(paths(dir).target);
    expect((await sync(server, dir)).code).toBe(0);
    expect(existsSync(paths(dir).lock)).toBe(false);
  } finally {
    holder.kill();
    server.stop(true);
  }
});

/** Chunks of `chunk` bytes while `more()` holds (counted in `sent`), then the end; a pull-based stream, so what is sent is what da read. */
function endless(sent: { bytes: number }, more: () => boolean, chunk = 1024 * 1024): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      if (!more()) return controller.close();
      sent.bytes += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(7));
    },
  });
}

const MAX_SENT = 64 * 1024 * 1024;

test("a body with no length that never ends is stopped at the manifest's size: nothing installed, no more read", async () => {
  const sent = { bytes: 0 };
  const server = serve(
    () =>
      new Response(
        endless(sent, () => sent.bytes < MAX_SENT),
        { headers: AGNES },
      ),
  );
  const dir = join(root, "endless");
  try {
    const run = await sync(server, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the server sent more than the ${FILE.length} bytes the manifest gives`);
    expect(sent.bytes).toBeLessThan(16 * 1024 * 1024); // a few chunks past the size, in flight when da stopped
    expect(existsSync(paths(dir).target)).toBe(false);
    expect(existsSync(paths(dir).partial) ? readFileSync(paths(dir).partial).length : 0).toBe(0);
  } finally {
    server.stop(true);
  }
});

test("a gzip bomb (a small body that inflates past the manifest's size) is stopped at the size", async () => {
  const bomb = Bun.gzipSync(new Uint8Array(MAX_SENT));
  const server = serve(() => new Response(bomb, { headers: { ...AGNES, "content-encoding": "gzip" } }));
  const dir = join(root, "bomb");
  try {
    const run = await sync(server, dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the server sent more than the ${FILE.length} bytes the manifest gives`);
    expect(existsSync(paths(dir).target)).toBe(false);
  } finally {
    server.stop(true);
  }
});

test("gzip content-encoding of the right file is inflated and installed", async () => {
  const server = serve(() => new Response(Bun.gzipSync(FILE), { headers: { ...AGNES, "content-encoding": "gzip" } }));
  const dir = join(root, "gzip");
  try {
    expect((await sync(server, dir)).code).toBe(0);
    expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
  } finally {
    server.stop(true);
  }
});

/** A run that does not end within `ms` counts as hung (the old client waited an hour). */
const orHung = <T>(run: Promise<T>, ms = 20_000) => Promise.race([run, Bun.sleep(ms).then(() => "hung" as const)]);

test("a server that stalls mid-body ends the run after DA_TIMEOUT without bytes; the next run resumes after what arrived", async () => {
  const half = FILE.length / 2;
  let stalled = true;
  const server = serve((request) => {
    const range = request.headers.get("range");
    if (range)
      return new Response(FILE.subarray(half), { status: 206, headers: { ...AGNES, "content-range": `bytes ${half}-${FILE.length - 1}/${FILE.length}` } });
    let sentHalf = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sentHalf) return ((sentHalf = true), controller.enqueue(FILE.subarray(0, half)));
        while (stalled) await Bun.sleep(20);
        controller.close();
      },
    });
    return new Response(body, { headers: { ...AGNES, "content-length": String(FILE.length) } });
  });
  const dir = join(root, "stall");
  try {
    const run = await orHung(sync(server, dir, [], { DA_TIMEOUT: "0.3" }));
    expect(run).not.toBe("hung");
    expect(run).toMatchObject({ code: 1 });
    expect((run as { stderr: string }).stderr).toContain(`${server.url.origin} sent nothing for 0.3 s`);
    expect(readFileSync(paths(dir).partial).equals(FILE.subarray(0, half))).toBe(true);
    const resumed = await sync(server, dir);
    expect(resumed.code).toBe(0);
    expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
  } finally {
    stalled = false;
    server.stop(true);
  }
});

test("a server that never answers the download ends the run after DA_TIMEOUT", async () => {
  let answer = () => {};
  const server = serve(() => new Promise<Response>((resolve) => (answer = () => resolve(new Response(null, { status: 204 })))));
  try {
    const run = await orHung(sync(server, join(root, "silent"), [], { DA_TIMEOUT: "0.3" }));
    expect(run).not.toBe("hung");
    expect((run as { stderr: string }).stderr).toContain("did not answer within 0.3 s");
  } finally {
    answer();
    server.stop(true);
  }
});

test("a symlink planted at the .partial or the state file's path is replaced, never written through", async () => {
  const server = serve(whole);
  const dir = join(root, "planted");
  mkdirSync(join(dir, "server", "parquet"), { recursive: true });
  const victims = [join(root, "victim-partial"), join(root, "victim-state")];
  for (const victim of victims) writeFileSync(victim, "precious");
  symlinkSync(victims[0]!, paths(dir).partial);
  symlinkSync(victims[1]!, join(dir, "server", "sync-state.json"));
  try {
    expect((await sync(server, dir)).code).toBe(0);
    expect(victims.map((victim) => readFileSync(victim, "utf8") === "precious")).toEqual([true, true]);
    expect(lstatSync(paths(dir).target).isFile()).toBe(true);
    expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
    expect(lstatSync(join(dir, "server", "sync-state.json")).isFile()).toBe(true);
  } finally {
    server.stop(true);
  }
});

test("a planted symlink at the .partial of a resumed download is not followed either", async () => {
  const server = serve(whole);
  const dir = join(root, "planted-resume");
  mkdirSync(join(dir, "server", "parquet"), { recursive: true });
  const victim = join(root, "victim-resume");
  writeFileSync(victim, FILE.subarray(0, 1000));
  symlinkSync(victim, paths(dir).partial);
  writeFileSync(join(dir, "server", "sync-state.json"), JSON.stringify({ tables: { blob: { hash: "", partial_hash: HASH } } }));
  try {
    expect((await sync(server, dir)).code).toBe(0);
    expect(readFileSync(victim).equals(FILE.subarray(0, 1000))).toBe(true);
    expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
  } finally {
    server.stop(true);
  }
});

test("manifest names that are not dataset names are skipped: nothing is asked for or written outside DIR/server/parquet", async () => {
  const asked: string[] = [];
  const names = ["../escape", "/abs", "a/b", "a\\b", "nul\u0000x", "..", "x".repeat(64), "Blob", "__proto__", "blob"];
  const manifest = `{"tables":{${names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(TABLE)}`).join(",")}}}`;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/api/sync/manifest") return new Response(manifest, { headers: { ...AGNES, "content-type": "application/json" } });
      if (pathname.startsWith("/api/")) asked.push(pathname);
      return whole(request);
    },
  });
  const dir = join(root, "names", "inner");
  try {
    expect((await sync(server, dir)).code).toBe(0);
    expect(asked).toEqual(["/api/data/blob/download"]);
    expect(readdirSync(join(root, "names"), { recursive: true }).sort()).toEqual(
      ["inner", "inner/server", "inner/server/parquet", "inner/server/parquet/blob.parquet", "inner/server/sync-state.json"].map((p) => p.split("/").join(sep)),
    );
  } finally {
    server.stop(true);
  }
});

test("--table takes a dataset the manifest lists, not a property every object has", async () => {
  const server = serve(whole);
  try {
    for (const name of ["constructor", "toString", "blobs"]) {
      const run = await sync(server, join(root, "only"), ["--table", name]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`there is no dataset named ${name}`);
    }
  } finally {
    server.stop(true);
  }
});

test("a manifest entry without a valid hash and size is not downloaded; the others are", async () => {
  const asked: string[] = [];
  const tables = {
    blob: TABLE,
    upper: { ...TABLE, hash: HASH.toUpperCase() },
    nosize: { ...TABLE, size_bytes: undefined },
    huge: { ...TABLE, size_bytes: 2 ** 60 },
    nothing: null,
  };
  const server = serve((request) => (asked.push(new URL(request.url).pathname), whole(request)), tables);
  try {
    const run = await sync(server, join(root, "invalid"));
    expect(run.code).toBe(1);
    expect(asked).toEqual(["/api/data/blob/download"]);
    for (const name of ["upper", "nosize", "huge", "nothing"]) expect(run.stderr).toContain(`${name}: the manifest gives no valid hash and size for it`);
  } finally {
    server.stop(true);
  }
});
