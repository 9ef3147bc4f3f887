// Every /cli/* route through app.handle, on small fake builds (the real build is checked in build.test.ts
// and test/install). Range requests also go to the real server process, whose HTTP layer app.handle skips.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupTempDirs, fakeDist, type BuiltDist } from "../helpers/dist";
import { distApp, type DistApp } from "../helpers/dist-app";
import { startServer } from "../helpers/server";

const ALL = ["linux-x64", "linux-arm64", "linux-x64-musl", "darwin-x64", "darwin-arm64", "windows-x64"];

let dist: BuiltDist;
let a: DistApp;
beforeAll(async () => {
  dist = fakeDist(ALL);
  a = await distApp(dist.dir);
});
afterAll(async () => {
  await a.t.close();
  cleanupTempDirs();
});

const entry = (target: string) => dist.manifest.targets.find((t) => t.target === target)!;
const fileBytes = (target: string) => Bun.file(join(dist.dir, entry(target).filename)).bytes();

describe("GET /cli/manifest.json", () => {
  test("lists every built target with an absolute download url from the request's host", async () => {
    const res = await a.handle("/cli/manifest.json", { host: "agnes.test:8443" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: string; commit: string; targets: Record<string, unknown>[] };
    expect(body.version).toBe("1.2.3");
    expect(body.commit).toBe("fixture");
    expect(body.targets.map((t) => t.target)).toEqual(ALL);
    for (const t of body.targets) {
      expect(Object.keys(t).sort()).toEqual(["arch", "filename", "os", "sha256", "size", "target", "url"]);
      expect(t.url).toBe(`http://agnes.test:8443/cli/download/${t.target}`);
    }
    expect(body.targets[0]).toMatchObject({ ...entry("linux-x64") });
  });

  test("PUBLIC_URL wins over the Host header", async () => {
    const other = await distApp(dist.dir, { PUBLIC_URL: "https://agnes.example.com/prefix" });
    try {
      const body = (await (await other.handle("/cli/manifest.json", { host: "internal:8000" })).json()) as { targets: { url: string }[] };
      expect(body.targets[0]!.url).toBe("https://agnes.example.com/prefix/cli/download/linux-x64");
    } finally {
      await other.t.close();
    }
  });

  test("X-Forwarded-* is honoured only with TRUST_PROXY=1", async () => {
    const forwarded = { host: "internal:8000", "x-forwarded-proto": "https", "x-forwarded-host": "agnes.example.com" };
    const plain = (await (await a.handle("/cli/manifest.json", forwarded)).json()) as { targets: { url: string }[] };
    expect(plain.targets[0]!.url).toBe("http://internal:8000/cli/download/linux-x64");
    const proxied = await distApp(dist.dir, { TRUST_PROXY: "1" });
    try {
      const body = (await (await proxied.handle("/cli/manifest.json", forwarded)).json()) as { targets: { url: string }[] };
      expect(body.targets[0]!.url).toBe("https://agnes.example.com/cli/download/linux-x64");
    } finally {
      await proxied.t.close();
    }
  });

  test("nothing built: an empty target list, and a rebuild shows up without a restart", async () => {
    const empty = fakeDist([]);
    rmSync(join(empty.dir, "manifest.json"));
    const other = await distApp(empty.dir);
    try {
      const before = (await (await other.handle("/cli/manifest.json")).json()) as { targets: unknown[] };
      expect(before.targets).toEqual([]);
      const rebuilt = fakeDist(["linux-x64"], { version: "2.0.0" });
      for (const name of ["manifest.json", "da-linux-x64", "da-linux-x64.gz"]) {
        writeFileSync(join(empty.dir, name), await Bun.file(join(rebuilt.dir, name)).bytes());
      }
      const after = (await (await other.handle("/cli/manifest.json")).json()) as { version: string; targets: unknown[] };
      expect(after.version).toBe("2.0.0");
      expect(after.targets).toHaveLength(1);
      expect((await other.handle("/cli/download/linux-x64")).status).toBe(200);
    } finally {
      await other.t.close();
    }
  });
});

describe("GET /cli/download/{target}", () => {
  test("200 with the bytes, attachment filename, checksum header, ETag and length", async () => {
    const res = await a.handle("/cli/download/windows-x64");
    expect(res.status).toBe(200);
    const e = entry("windows-x64");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="da-windows-x64.exe"');
    expect(res.headers.get("x-checksum-sha256")).toBe(e.sha256);
    expect(res.headers.get("etag")).toBe(`"${e.sha256}"`);
    expect(res.headers.get("content-length")).toBe(String(e.size));
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(await fileBytes("windows-x64"));
  });

  test("gzip-compressed from the precompressed copy when Accept-Encoding allows it", async () => {
    const res = await a.handle("/cli/download/linux-x64", { "accept-encoding": "br, gzip;q=0.8" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
    expect(res.headers.get("x-checksum-sha256")).toBe(entry("linux-x64").sha256);
    const gz = new Uint8Array(await res.arrayBuffer());
    expect(gz.length).toBeLessThan(entry("linux-x64").size);
    expect(Bun.gunzipSync(gz)).toEqual(await fileBytes("linux-x64"));
  });

  test("not compressed when gzip is refused, when a range is asked, or when the .gz is missing or stale", async () => {
    for (const ae of ["gzip;q=0", "identity", "br", ""]) {
      const res = await a.handle("/cli/download/linux-x64", { "accept-encoding": ae });
      expect(`${ae}: ${res.headers.get("content-encoding")}`).toBe(`${ae}: null`);
    }
    const ranged = await a.handle("/cli/download/linux-x64", { "accept-encoding": "gzip", range: "bytes=0-3" });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-encoding")).toBeNull();

    const d = fakeDist(["linux-x64", "darwin-arm64"]);
    rmSync(join(d.dir, "da-darwin-arm64.gz"));
    utimesSync(join(d.dir, "da-linux-x64.gz"), new Date(2000, 0, 1), new Date(2000, 0, 1)); // older than its binary
    const other = await distApp(d.dir);
    try {
      for (const target of ["linux-x64", "darwin-arm64"]) {
        const res = await other.handle(`/cli/download/${target}`, { "accept-encoding": "gzip" });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-encoding")).toBeNull();
        expect((await res.arrayBuffer()).byteLength).toBe(d.manifest.targets.find((t) => t.target === target)!.size);
      }
    } finally {
      await other.t.close();
    }
  });

  test("Range: 206 with Content-Range for first-last, open-ended and suffix ranges", async () => {
    const bytes = await fileBytes("linux-x64");
    const size = bytes.length;
    const cases: [string, number, number][] = [
      ["bytes=0-9", 0, 9],
      ["bytes=100-", 100, size - 1],
      ["bytes=-50", size - 50, size - 1],
      [`bytes=10-${size + 1000}`, 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await a.handle("/cli/download/linux-x64", { range });
      expect(res.status).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get("content-length")).toBe(String(end - start + 1));
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes.subarray(start, end + 1));
    }
  });

  test("Range: 416 when unsatisfiable; the whole file for multiple ranges or a stale If-Range", async () => {
    const size = entry("linux-x64").size;
    const bad = await a.handle("/cli/download/linux-x64", { range: `bytes=${size}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe(`bytes */${size}`);
    expect(((await bad.json()) as { detail: string }).detail).toContain("Range not satisfiable");

    const multi = await a.handle("/cli/download/linux-x64", { range: "bytes=0-1,5-6" });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(size);

    const stale = await a.handle("/cli/download/linux-x64", { range: "bytes=0-9", "if-range": '"0000"' });
    expect(stale.status).toBe(200);
    const fresh = await a.handle("/cli/download/linux-x64", { range: "bytes=0-9", "if-range": `"${entry("linux-x64").sha256}"` });
    expect(fresh.status).toBe(206);
  });

  test("Range over real HTTP: the server process answers 206 with Content-Range, and 416 when unsatisfiable", async () => {
    const small = fakeDist(["linux-x64"]);
    const size = small.manifest.targets[0]!.size;
    const server = await startServer({ env: { CLI_DIST_DIR: small.dir } });
    try {
      const url = `${server.url}/cli/download/linux-x64`;
      const part = await fetch(url, { headers: { range: "bytes=0-3", "accept-encoding": "identity" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes 0-3/${size}`);
      expect(part.headers.get("content-length")).toBe("4");
      expect(await part.text()).toBe("fake");

      const bad = await fetch(url, { headers: { range: `bytes=${size}-`, "accept-encoding": "identity" } });
      expect(bad.status).toBe(416);
      expect(bad.headers.get("content-range")).toBe(`bytes */${size}`);
      expect(((await bad.json()) as { detail: string }).detail).toContain("Range not satisfiable");
    } finally {
      await server.stop();
    }
  });

  test("If-None-Match with the sha256 ETag → 304 without a body; another tag → 200", async () => {
    const sha = entry("darwin-arm64").sha256;
    for (const tag of [`"${sha}"`, `W/"${sha}"`, `"other", "${sha}-gzip"`, "*"]) {
      const res = await a.handle("/cli/download/darwin-arm64", { "if-none-match": tag });
      expect(`${tag}: ${res.status}`).toBe(`${tag}: 304`);
      expect(res.headers.get("etag")).toBe(`"${sha}"`);
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toBe("");
    }
    expect((await a.handle("/cli/download/darwin-arm64", { "if-none-match": '"deadbeef"' })).status).toBe(200);
  });

  test("unknown target → 404 listing the known ones; known but not built → 404 saying to run bun run build", async () => {
    const unknown = await a.handle("/cli/download/plan9-mips");
    expect(unknown.status).toBe(404);
    const detail = ((await unknown.json()) as { detail: string }).detail;
    for (const name of ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"]) expect(detail).toContain(name);

    const notBuilt = await a.handle("/cli/download/linux-arm64-musl");
    expect(notBuilt.status).toBe(404);
    expect(((await notBuilt.json()) as { detail: string }).detail).toContain("bun run build");

    const traversal = await a.handle("/cli/download/..%2Fmanifest.json");
    expect(traversal.status).toBe(404);
  });

  test("no build at all, or a manifest naming a missing or outside file → 404 saying how to build", async () => {
    const none = await distApp(join(dist.dir, "does-not-exist"));
    const broken = fakeDist(["linux-x64", "darwin-x64"]);
    rmSync(join(broken.dir, "da-darwin-x64"));
    const manifest = {
      ...broken.manifest,
      targets: broken.manifest.targets.map((t) => (t.target === "linux-x64" ? { ...t, filename: "../../etc/passwd" } : t)),
    };
    writeFileSync(join(broken.dir, "manifest.json"), JSON.stringify(manifest));
    const other = await distApp(broken.dir);
    try {
      for (const [app, target] of [
        [none, "linux-x64"],
        [other, "darwin-x64"],
        [other, "linux-x64"],
      ] as const) {
        const res = await app.handle(`/cli/download/${target}`);
        expect(res.status).toBe(404);
        expect(((await res.json()) as { detail: string }).detail).toContain("bun run build");
      }
    } finally {
      await none.t.close();
      await other.t.close();
    }
  });
});

describe("GET /cli/download?os=&arch=", () => {
  test("302 to the matching target, accepting uname spellings", async () => {
    const cases: [string, string][] = [
      ["os=linux&arch=x64", "linux-x64"],
      ["os=Linux&arch=x86_64", "linux-x64"],
      ["os=linux&arch=aarch64", "linux-arm64"],
      ["os=linux&arch=amd64&libc=musl", "linux-x64-musl"],
      ["os=Darwin&arch=arm64", "darwin-arm64"],
      ["os=macos&arch=x64", "darwin-x64"],
      ["os=windows&arch=amd64", "windows-x64"],
    ];
    for (const [query, target] of cases) {
      const res = await a.handle(`/cli/download?${query}`, { host: "agnes.test" });
      expect(`${query}: ${res.status}`).toBe(`${query}: 302`);
      expect(res.headers.get("location")).toBe(`http://agnes.test/cli/download/${target}`);
    }
  });

  test("musl falls back to the glibc build when no musl build exists", async () => {
    const res = await a.handle("/cli/download?os=linux&arch=arm64&libc=musl");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toEndWith("/cli/download/linux-arm64");
  });

  test("400 with a detail for a missing or unknown os/arch; 404 when no build matches", async () => {
    for (const query of ["", "os=linux", "arch=x64", "os=beos&arch=x64", "os=linux&arch=mips", "os=linux&arch=x64&libc=uclibc"]) {
      const res = await a.handle(`/cli/download?${query}`);
      expect(`${query}: ${res.status}`).toBe(`${query}: 400`);
      expect(((await res.json()) as { detail: string }).detail.length).toBeGreaterThan(10);
    }
    const noSuchPlatform = await a.handle("/cli/download?os=windows&arch=arm64");
    expect(noSuchPlatform.status).toBe(404);
    const only = fakeDist(["darwin-arm64"]);
    const other = await distApp(only.dir);
    try {
      const res = await other.handle("/cli/download?os=linux&arch=x64");
      expect(res.status).toBe(404);
      expect(((await res.json()) as { detail: string }).detail).toContain("bun run build");
    } finally {
      await other.t.close();
    }
  });
});

describe("GET /cli/SHA256SUMS", () => {
  test("sha256sum-format lines for every built binary, which sha256sum -c accepts", async () => {
    const res = await a.handle("/cli/SHA256SUMS");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/plain");
    const text = await res.text();
    expect(text).toBe(dist.manifest.targets.map((t) => `${t.sha256}  ${t.filename}\n`).join(""));
    writeFileSync(join(dist.dir, "SHA256SUMS.check"), text);
    const check = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS.check"], { cwd: dist.dir });
    expect(check.exitCode).toBe(0);
  });
});
