// The served installers and the /install page: the public URL baked in (quoted), shellcheck-clean
// output, and no way for a crafted Host header to put anything into a script piped into `sh`.
import { testPublicKey } from "../helpers/signing";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Installers, powershellSingleQuote, shellSingleQuote } from "../../src/modules/distribution/installer";
import { cleanupTempDirs, distTempDir, fakeDist } from "../helpers/dist";
import { distApp, type DistApp } from "../helpers/dist-app";

/** The app serving a small fake build (the bytes do not matter to the installers). */
const installerApp = (env: Record<string, string> = {}) => distApp(fakeDist(["linux-x64", "darwin-arm64", "windows-x64"]).dir, env);

let a: DistApp;
beforeAll(async () => {
  a = await installerApp();
});
afterAll(async () => {
  await a.t.close();
  cleanupTempDirs();
});

function shellcheck(script: string): { exitCode: number; output: string } {
  const file = join(distTempDir("agnes-shellcheck-"), "install.sh");
  writeFileSync(file, script);
  const proc = Bun.spawnSync(["shellcheck", "-s", "sh", file]);
  return { exitCode: proc.exitCode, output: proc.stdout.toString() + proc.stderr.toString() };
}

describe("GET /cli/install.sh", () => {
  test("a POSIX sh script with this server's URL baked in, single-quoted, served uncached", async () => {
    const res = await a.handle("/cli/install.sh", { host: "agnes.test:8000" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/x-shellscript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const script = await res.text();
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toContain("AGNES_SERVER='http://agnes.test:8000'\n");
    expect(script).not.toContain("__AGNES_SERVER_URL__");
    expect(script).toContain("set -eu");
    expect(script.trimEnd().split("\n").at(-1)).toBe('main "$@"');
  });

  test("the served script passes shellcheck -s sh", async () => {
    const script = await (await a.handle("/cli/install.sh", { host: "agnes.test:8000" })).text();
    const result = shellcheck(script);
    expect(result.output).toBe("");
    expect(result.exitCode).toBe(0);
  });

  test("PUBLIC_URL is baked in whatever the Host says", async () => {
    const other = await installerApp({ PUBLIC_URL: "https://agnes.example.com/" });
    try {
      const script = await (await other.handle("/cli/install.sh", { host: "evil.example.net" })).text();
      expect(script).toContain("AGNES_SERVER='https://agnes.example.com'\n");
      expect(script).not.toContain("evil.example.net");
    } finally {
      await other.t.close();
    }
  });

  const CRAFTED_HOSTS = [
    "evil$(id)",
    "evil`id`",
    "evil'; id; echo '",
    'evil"x',
    "evil;id",
    "evil com",
    "evil|id",
    "evil&&id",
    "evil%0aid",
    "evil\\nid",
    "evil\tid",
    "evil$IFS",
    "a.b:80:90",
    "<script>",
  ];

  test("a crafted Host header gets 400 and never reaches a script or page", async () => {
    for (const host of CRAFTED_HOSTS) {
      for (const path of ["/cli/install.sh", "/cli/install.ps1", "/cli/manifest.json", "/install"]) {
        const res = await a.handle(path, { host });
        const body = await res.text();
        expect(`${path} ${JSON.stringify(host)}: ${res.status}`).toBe(`${path} ${JSON.stringify(host)}: 400`);
        expect(body).not.toContain("#!/bin/sh");
        expect(body).not.toContain(host);
      }
    }
  });

  test("crafted X-Forwarded-Host/Proto are ignored, with or without TRUST_PROXY: the request's own Host is used", async () => {
    const headers = { host: "agnes.test", "x-forwarded-host": "evil$(id)", "x-forwarded-proto": "https" };
    const ignored = await (await a.handle("/cli/install.sh", headers)).text();
    expect(ignored).toContain("AGNES_SERVER='http://agnes.test'\n");
    const proxied = await installerApp({ TRUST_PROXY: "1" });
    try {
      // The proxy's (last) entry is not a plain host: ignored, never baked into the script.
      const res = await proxied.handle("/cli/install.sh", headers);
      expect(res.status).toBe(200);
      const script = await res.text();
      expect(script).not.toContain("$(id)");
      expect(script).toContain("AGNES_SERVER='https://agnes.test'\n");
      const badProto = await proxied.handle("/cli/install.sh", { host: "agnes.test", "x-forwarded-proto": "javascript" });
      expect(await badProto.text()).toContain("AGNES_SERVER='http://agnes.test'\n");
    } finally {
      await proxied.t.close();
    }
  });
});

describe("installer rendering", () => {
  test("quotes for each shell and refuses a URL that is not plain", () => {
    expect(shellSingleQuote("it's")).toBe(`'it'\\''s'`);
    expect(powershellSingleQuote("it's")).toBe(`'it''s'`);
    const installers = new Installers();
    const key = testPublicKey();
    expect(() => installers.render("sh", "http://x$(id)", key)).toThrow();
    expect(() => installers.render("ps1", "http://x'y", key)).toThrow();
    expect(() => installers.render("sh", "http://h:1", `${key}'; id; '`)).toThrow();
    expect(installers.render("sh", "http://h:1", key)).toContain("AGNES_SERVER='http://h:1'");
    expect(installers.render("sh", "http://h:1", key)).toContain(`AGNES_SIGNING_KEY='${key}'`);
    expect(installers.render("ps1", "http://h:1", key)).toContain(`$AgnesSigningKey = '${key}'`);
  });
});

describe("GET /cli/install.ps1", () => {
  test("a PowerShell script with the URL in a single-quoted string, served uncached", async () => {
    const res = await a.handle("/cli/install.ps1", { host: "agnes.test:8000" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toStartWith("text/plain");
    const script = await res.text();
    expect(script).toContain("$AgnesServer = 'http://agnes.test:8000'\n");
    expect(script).not.toContain("__AGNES_SERVER_URL__");
    for (const duty of ["Get-FileHash", "SetEnvironmentVariable", "LOCALAPPDATA", "DA_INSTALL_DIR", "config.yml", "Move-Item", "/cli/manifest.json"]) {
      expect(script).toContain(duty);
    }
    expect(script.trimEnd().split("\n").at(-1)).toBe("Install-Da");
  });
});

describe("GET /install", () => {
  test("public HTML: the visitor's one-liner first, the others one click away", async () => {
    const linux = await a.handle("/install", { host: "agnes.test", "user-agent": "Mozilla/5.0 (X11; Linux x86_64)", accept: "text/html" });
    expect(linux.status).toBe(200);
    expect(linux.headers.get("content-type")).toStartWith("text/html");
    const html = await linux.text();
    const sh = "curl -fsSL http://agnes.test/cli/install.sh | sh";
    const ps = "irm http://agnes.test/cli/install.ps1 | iex";
    expect(html).toContain(sh);
    expect(html).toContain(ps);
    expect(html.indexOf(sh)).toBeLessThan(html.indexOf(ps));
    expect(html).toContain(`data-copy="${sh}"`);

    const windows = await (await a.handle("/install", { host: "agnes.test", "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)" })).text();
    expect(windows.indexOf(ps)).toBeLessThan(windows.indexOf(sh));
    const chosen = await (await a.handle("/install?os=windows", { host: "agnes.test", "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)" })).text();
    expect(chosen.indexOf(ps)).toBeLessThan(chosen.indexOf(sh));
  });

  test("manual downloads with size and SHA-256, sign-in, token and CI instructions", async () => {
    const html = await (await a.handle("/install", { host: "agnes.test" })).text();
    const manifest = (await (await a.handle("/cli/manifest.json", { host: "agnes.test" })).json()) as {
      targets: { filename: string; sha256: string; url: string }[];
    };
    expect(manifest.targets).toHaveLength(3);
    for (const t of manifest.targets) {
      expect(html).toContain(t.sha256);
      expect(html).toContain(`href="${t.url}"`);
      expect(html).toContain(t.filename);
    }
    expect(html).toMatch(/\d+\.\d MiB/);
    for (const text of ["da login", "da auth token create", "DA_TOKEN", "DA_SERVER=http://agnes.test", "/cli/SHA256SUMS"]) {
      expect(html).toContain(text);
    }
    expect(html).not.toMatch(/<script>|onclick=/i);
  });

  test("says how to build when nothing is built", async () => {
    const none = await distApp(join(fakeDist([]).dir, "nothing-here"));
    try {
      const html = await (await none.handle("/install")).text();
      expect(html).toContain("bun run build");
      expect(html).toContain("curl -fsSL http://localhost/cli/install.sh | sh");
    } finally {
      await none.t.close();
    }
  });
});
