// Item "binaries from the first start": the server builds missing or older `da` binaries in the
// background (CLI_BUILD_ON_START=auto), says "building" (503 + Retry-After) until a target is ready,
// keeps going when one target fails, and a fresh server + `curl …/install.sh | sh` gives a working da.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliBuilder, type BuildStep } from "../../src/modules/distribution/builder";
import { TARGET_NAMES } from "../../src/shared/targets";
import { VERSION } from "../../src/version";
import { createTestApp } from "../helpers/app";
import { cleanupTempDirs, distTempDir, fakeDist } from "../helpers/dist";
import { startServer } from "../helpers/server";
import { pipeInstaller, run, tempHome } from "../install/helpers";

afterAll(cleanupTempDirs);

/** A step that writes a fake build of `target` into the manifest, as `build.ts --merge` would. */
function fakeBuild(distDir: string, built: string[]): void {
  const fake = fakeDist(built, { version: VERSION });
  for (const t of fake.manifest.targets) writeFileSync(join(distDir, t.filename), `fake da for ${t.target}\n`.repeat(200));
  writeFileSync(join(distDir, "manifest.json"), JSON.stringify(fake.manifest));
}

describe("the background build (CliBuilder, fake steps)", () => {
  test("503 + Retry-After while building; one failed target is logged with its reason and the others are still built", async () => {
    const distDir = distTempDir();
    const t = await createTestApp({ env: { CLI_DIST_DIR: distDir } });
    const built: string[] = [];
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const step: BuildStep = async ({ kind, target }) => {
      if (kind !== "build") return;
      order.push(target);
      if (order.length === 1) await gate; // hold the first target "building"
      if (target === "darwin-x64") throw new Error("runtime download failed: HTTP 502");
      built.push(target);
      fakeBuild(distDir, built);
    };
    const done = t.ctx.cliBuilder.start(step);
    for (let i = 0; i < 400 && order.length === 0; i++) await Bun.sleep(5);
    const first = order[0]!;
    const res = await t.handle(`/cli/download/${first}`, { headers: { accept: "application/json" } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(((await res.json()) as { detail: string }).detail).toBe(`building da for ${first}, try again in a minute`);
    const manifest = (await (await t.handle("/cli/manifest.json")).json()) as { building: string[] };
    expect(manifest.building.sort()).toEqual([...TARGET_NAMES].sort());
    const page = await (await t.handle("/install", { headers: { accept: "text/html" } })).text();
    expect(page).toContain("This server is building da for");
    const redirect = await t.handle("/cli/download?os=linux&arch=x64");
    expect(redirect.status).toBe(503);

    release();
    await done;
    expect(order.sort()).toEqual([...TARGET_NAMES].sort());
    expect(built.sort()).toEqual(TARGET_NAMES.filter((n) => n !== "darwin-x64").sort());
    expect((await t.handle(`/cli/download/${first}`)).status).toBe(200);
    const failed = await t.handle("/cli/download/darwin-x64", { headers: { accept: "application/json" } });
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { detail: string }).detail).toContain("runtime download failed: HTTP 502");
    const logs = t.log.lines.join("\n");
    expect(logs).toContain("cli_build.failed");
    expect(logs).toContain("runtime download failed: HTTP 502");
    expect(((await (await t.handle("/cli/manifest.json")).json()) as { building: string[] }).building).toEqual([]);
    await t.close();
  });

  test("plans nothing when the current version is built, everything when an older one is", async () => {
    const current = fakeDist([...TARGET_NAMES], { version: VERSION });
    const t = await createTestApp({ env: { CLI_DIST_DIR: current.dir } });
    expect(await t.ctx.cliBuilder.plan()).toEqual([]);
    await t.close();
    const older = fakeDist(["linux-x64"], { version: "0.0.1" });
    const t2 = await createTestApp({ env: { CLI_DIST_DIR: older.dir } });
    expect((await t2.ctx.cliBuilder.plan()).sort()).toEqual([...TARGET_NAMES].sort());
    expect(new CliBuilder(t2.ctx.cliDist, VERSION, t2.log).building()).toEqual([]);
    await t2.close();
  });
});

describe("a fresh machine: npm start on an empty CLI_DIST_DIR, then curl | sh", () => {
  test("the served installer waits for the build and installs a working da", async () => {
    const distDir = join(distTempDir(), "cli");
    const started = performance.now();
    const server = await startServer({ env: { CLI_DIST_DIR: distDir, CLI_BUILD_ON_START: "auto" } });
    try {
      const home = tempHome();
      const install = await pipeInstaller(server.url, { home, env: { DA_INSTALL_WAIT: "240" } });
      expect(`${install.code}\n${install.stdout}\n${install.stderr}`).toMatch(/^0\n[\s\S]*Installed da /);
      const version = await run([join(home, ".local/bin/da"), "--version"], { HOME: home, PATH: "/usr/bin:/bin" });
      expect(version.stdout).toContain(`da ${VERSION}`);
      console.log(`fresh server to a working da: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      expect(server.logs()).toContain('"event":"cli_build.ready"');
    } finally {
      await server.stop();
    }
  });
});
