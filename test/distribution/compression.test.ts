// Smaller downloads: the best precompressed copy the client accepts (zstd, then gzip), never a stale
// one, and curl's --compressed (what install.sh uses when curl can decompress) negotiates zstd.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { acceptsGzip, acceptsZstd } from "../../src/modules/distribution/download";
import { createTestApp, type TestApp } from "../helpers/app";
import { cleanupTempDirs, fakeDist, sha256File, type BuiltDist } from "../helpers/dist";
import { startServer, type RunningServer } from "../helpers/server";
import { run } from "../install/helpers";

let dist: BuiltDist;
let t: TestApp;
let server: RunningServer;
const file = (target: string) => join(dist.dir, dist.manifest.targets.find((x) => x.target === target)!.filename);

beforeAll(async () => {
  dist = fakeDist(["linux-x64", "linux-arm64", "darwin-arm64"]);
  for (const target of ["linux-x64", "darwin-arm64"]) {
    writeFileSync(`${file(target)}.zst`, Bun.zstdCompressSync(await Bun.file(file(target)).bytes()));
  }
  // darwin-arm64's .zst is left over from an older build: older than its binary.
  utimesSync(`${file("darwin-arm64")}.zst`, new Date(2000, 0, 1), new Date(2000, 0, 1));
  [t, server] = await Promise.all([createTestApp({ env: { CLI_DIST_DIR: dist.dir } }), startServer({ env: { CLI_DIST_DIR: dist.dir } })]);
});
afterAll(async () => {
  await Promise.all([t.close(), server.stop()]);
  cleanupTempDirs();
});

describe("Accept-Encoding", () => {
  test("zstd only by name and q > 0; gzip also through *", () => {
    expect(acceptsZstd("deflate, gzip, br, zstd")).toBe(true);
    expect(acceptsZstd("zstd;q=0, gzip")).toBe(false);
    expect(acceptsZstd("*")).toBe(false);
    expect(acceptsZstd(null)).toBe(false);
    expect(acceptsGzip("*")).toBe(true);
  });
});

describe("GET /cli/download/:target", () => {
  const get = (target: string, acceptEncoding: string) => t.handle(`/cli/download/${target}`, { headers: { "accept-encoding": acceptEncoding } });

  test("zstd when accepted, and it decodes to the exact binary", async () => {
    const res = await get("linux-x64", "gzip, zstd");
    expect(res.headers.get("content-encoding")).toBe("zstd");
    expect(res.headers.get("etag")).toBe(`"${dist.manifest.targets[0]!.sha256}-zstd"`);
    const body = Bun.zstdDecompressSync(new Uint8Array(await res.arrayBuffer()));
    expect(Buffer.from(body).equals(Buffer.from(await Bun.file(file("linux-x64")).bytes()))).toBe(true);
  });

  test("gzip when zstd is not accepted, there is no .zst, or the .zst is stale", async () => {
    expect((await get("linux-x64", "gzip")).headers.get("content-encoding")).toBe("gzip");
    expect((await get("linux-arm64", "zstd, gzip")).headers.get("content-encoding")).toBe("gzip");
    expect((await get("darwin-arm64", "zstd, gzip")).headers.get("content-encoding")).toBe("gzip");
    expect((await get("linux-x64", "identity")).headers.get("content-encoding")).toBeNull();
  });
});

test("curl --compressed (as install.sh runs it) negotiates zstd and writes the exact binary", async () => {
  const out = join(dist.dir, "downloaded");
  const headers = join(dist.dir, "headers");
  const res = await run(["curl", "-fsSL", "--compressed", "-D", headers, "-o", out, `${server.url}/cli/download/linux-x64`], {
    HOME: dist.dir,
    PATH: "/usr/bin:/bin",
  });
  expect(res.code).toBe(0);
  expect((await Bun.file(headers).text()).toLowerCase()).toContain("content-encoding: zstd");
  expect(await sha256File(out)).toBe(dist.manifest.targets[0]!.sha256);
});
