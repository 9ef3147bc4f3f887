// `da sync` against answers an Agnes server never gives (ranges it was not asked for, a redirect,
// lengths that do not match the body): whatever the answer, nothing that does not hash to the
// manifest's value is installed, and what is kept of a partial is only what can be resumed.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGNES, FILE, HASH, TABLE, type Download, serve, syncPaths as paths, syncWith, whole } from "../helpers/sync-server";

const root = mkdtempSync(join(tmpdir(), "da-sync-protocol-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const KEPT = 1000;

/** A directory with a partial of the first KEPT bytes, started for the manifest's hash. */
function withPartial(name: string, bytes = FILE.subarray(0, KEPT)): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "server", "parquet"), { recursive: true });
  writeFileSync(paths(dir).partial, bytes);
  writeFileSync(paths(dir).state, JSON.stringify({ tables: { blob: { hash: "", partial_hash: HASH } } }));
  return dir;
}

const range = (from: number) => ({ ...AGNES, "content-range": `bytes ${from}-${FILE.length - 1}/${FILE.length}` });

async function run(download: Download, dir: string) {
  const server = serve(download);
  try {
    return await syncWith(join(root, "config"), server, dir);
  } finally {
    server.stop(true);
  }
}

test("a resume answered with a 206 from another offset is refused, and the partial starts over", async () => {
  const dir = withPartial("wrong-range");
  const answered = await run(() => new Response(FILE, { status: 206, headers: range(0) }), dir);
  expect(answered.code).toBe(1);
  expect(existsSync(paths(dir).target)).toBe(false);
  expect(existsSync(paths(dir).partial) ? readFileSync(paths(dir).partial).length : 0).toBe(0);
  expect((await run(whole, dir)).code).toBe(0);
  expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
});

test("a 206 to a request that sent no range is written from the start and refused by hash", async () => {
  const dir = join(root, "unasked-range");
  const answered = await run(() => new Response(FILE.subarray(KEPT), { status: 206, headers: range(KEPT) }), dir);
  expect(answered.code).toBe(1);
  expect(answered.stderr).toContain("does not match the server's hash");
  expect(existsSync(paths(dir).target)).toBe(false);
});

test("a 416 to a resume drops the partial: the next run starts over", async () => {
  const dir = withPartial("unsatisfiable");
  const answered = await run(() => new Response(null, { status: 416, headers: AGNES }), dir);
  expect(answered.stderr).toContain("the partial download does not fit the file");
  expect(existsSync(paths(dir).partial)).toBe(false);
  expect((await run(whole, dir)).code).toBe(0);
});

/** As the real server answers: a range past the end is a 416, any other the rest (206). */
const ranged: Download = (request) => {
  const start = Number(/^bytes=(\d+)-$/.exec(request.headers.get("range") ?? "")?.[1] ?? 0);
  if (start >= FILE.length) return new Response(null, { status: 416, headers: { ...AGNES, "content-range": `bytes */${FILE.length}` } });
  return start > 0 ? new Response(FILE.subarray(start), { status: 206, headers: range(start) }) : whole(request);
};

test("a partial as long as the file is not resumed (the range would be past the end): one run fetches it whole", async () => {
  const dir = withPartial("full-partial", Buffer.alloc(FILE.length));
  const ranges: (string | null)[] = [];
  const answered = await run((request) => (ranges.push(request.headers.get("range")), ranged(request)), dir);
  expect(answered.code).toBe(0);
  expect(ranges).toEqual([null]);
  expect(readFileSync(paths(dir).target).equals(FILE)).toBe(true);
});

test("a redirect to another host is not followed", async () => {
  const elsewhere: string[] = [];
  const other = serve((request) => (elsewhere.push(request.url), whole(request)));
  const dir = join(root, "redirect");
  try {
    const answered = await run(() => Response.redirect(`${other.url.origin}/api/data/blob/download`, 302), dir);
    expect(answered.code).toBe(1);
    expect(elsewhere).toEqual([]);
    expect(existsSync(paths(dir).target)).toBe(false);
  } finally {
    other.stop(true);
  }
});

/** A raw socket server: the manifest as JSON, the download as `reply` writes it. */
function rawServer(reply: (socket: { write(data: string | Uint8Array): number; end(): void }) => void) {
  return Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, data) {
        if (!data.toString().startsWith("GET /api/sync/manifest")) return reply(socket);
        const body = JSON.stringify({ tables: { blob: TABLE } });
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n${head()}\r\n${body}`);
      },
    },
  });
}
const head = () =>
  Object.entries(AGNES)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");

test("a body longer than its Content-Length is read up to the length; one shorter is a cut, kept for a resume", async () => {
  const longer = rawServer((socket) => {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${FILE.length}\r\n${head()}\r\n`);
    socket.write(Buffer.concat([FILE, Buffer.alloc(100_000, 7)]));
  });
  const shorter = rawServer((socket) => {
    socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${FILE.length}\r\n${head()}\r\n`);
    socket.write(FILE.subarray(0, KEPT));
    setTimeout(() => socket.end(), 50);
  });
  try {
    const long = await syncWith(join(root, "config"), { url: new URL(`http://127.0.0.1:${longer.port}`) }, join(root, "longer"));
    expect(long.code).toBe(0);
    expect(readFileSync(paths(join(root, "longer")).target).equals(FILE)).toBe(true);
    const short = await syncWith(join(root, "config"), { url: new URL(`http://127.0.0.1:${shorter.port}`) }, join(root, "shorter"));
    expect(short.code).toBe(1);
    expect(existsSync(paths(join(root, "shorter")).target)).toBe(false);
    expect(readFileSync(paths(join(root, "shorter")).partial).equals(FILE.subarray(0, KEPT))).toBe(true);
  } finally {
    longer.stop(true);
    shorter.stop(true);
  }
});

test("a server's error detail with terminal control sequences is printed inert", async () => {
  const detail = "denied\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u009b31m\r\u0000";
  const answered = await run(() => Response.json({ detail }, { status: 403, headers: AGNES }), join(root, "escapes"));
  expect(answered.code).toBe(1);
  expect(answered.stderr).toContain("blob: denied\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b31m\\x0d\\x00");
  expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(answered.stderr)).toBe(false);
});
