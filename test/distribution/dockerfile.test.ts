// Static checks of the Dockerfile (test/container/image.test.ts builds and runs it for real): the
// paths it copies exist, the runtime stage holds everything the server needs (the server is started
// from a directory laid out exactly as the image's /app), CMD is the start script's entry, the
// HEALTHCHECK command works against a live server, and the process runs as a non-root user.
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, readFileSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { cleanupTempDirs, distTempDir, fakeDist } from "../helpers/dist";

afterAll(cleanupTempDirs);

const ROOT = resolve(import.meta.dir, "../..");
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const dockerignore = readFileSync(join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));

type Instruction = { op: string; args: string };
type Stage = { name: string; base: string; instructions: Instruction[] };

function parse(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op = "", ...rest] = line.split(/\s+/);
    const argsText = rest.join(" ");
    if (op.toUpperCase() === "FROM") {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argsText)!;
      stages.push({ base: m[1]!, name: m[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0 && op.toUpperCase() === "ARG") {
      const [k, v = ""] = argsText.split("=");
      args[k!] = v;
    } else {
      stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args: argsText });
    }
  }
  return { args, stages };
}

const { args, stages } = parse(dockerfile);
const runtime = stages.at(-1)!;
const copies = (stage: Stage) =>
  stage.instructions
    .filter((i) => i.op === "COPY")
    .map((i) => {
      const from = /--from=(\S+)/.exec(i.args)?.[1] ?? null;
      const parts = i.args.replace(/--\S+/g, "").trim().split(/\s+/);
      return { from, sources: parts.slice(0, -1), dest: parts.at(-1)! };
    });

describe("Dockerfile", () => {
  test("multi-stage on oven/bun at the pinned Bun version", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const bootstrap = readFileSync(join(ROOT, "scripts/bootstrap.sh"), "utf8");
    const pinned = /BUN_VERSION=(\S+)/.exec(bootstrap)?.[1];
    expect(args.BUN_VERSION).toBe(pinned!);
    // The base is a build argument (the image test builds on one made from Debian's packages);
    // its default is the public image a user pulls.
    expect(args.BUN_IMAGE).toBe("oven/bun:${BUN_VERSION}");
    for (const stage of stages) expect(stage.base).toBe("${BUN_IMAGE}");
  });

  test("every path it copies from the build context exists and is not excluded by .dockerignore", () => {
    const fromContext = stages.flatMap((stage) =>
      copies(stage)
        .filter((c) => c.from === null)
        .map((copy) => ({ stage, copy })),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const { stage, copy } of fromContext) {
      expect(copy.sources.length).toBeGreaterThan(0);
      for (const source of copy.sources) {
        expect(`${stage.name}: ${source} exists=${existsSync(join(ROOT, source))}`).toBe(`${stage.name}: ${source} exists=true`);
        expect(dockerignore).not.toContain(source.replace(/^\.\//, "").replace(/\/$/, ""));
      }
    }
    for (const secret of [".env", ".git", "data", "node_modules"]) expect(dockerignore).toContain(secret);
  });

  test("builds every da binary in a stage and ships it as CLI_DIST_DIR", () => {
    const cliStage = stages.find((s) => s.instructions.some((i) => i.op === "RUN" && /\bbun build\.ts\b/.test(i.args)));
    expect(cliStage).toBeDefined();
    const run = cliStage!.instructions.find((i) => i.op === "RUN" && i.args.includes("build.ts"))!;
    const out = /--out\s+(\S+)/.exec(run.args)?.[1];
    expect(out).toBe("/app/dist/cli");
    // Every target unless the DA_TARGETS build argument (empty by default) names some.
    expect(run.args).toContain('${DA_TARGETS:+--targets "$DA_TARGETS"}');
    expect(run.args.replace('${DA_TARGETS:+--targets "$DA_TARGETS"}', "")).not.toContain("--targets");
    expect(cliStage!.instructions.some((i) => i.op === "ARG" && i.args === "DA_TARGETS=")).toBe(true);
    // zstd copies unless DA_ZSTD=0; DA_VERSION reaches build.ts from the environment, unset when empty.
    expect(cliStage!.instructions.some((i) => i.op === "ARG" && i.args === "DA_ZSTD=1")).toBe(true);
    expect(run.args).toContain('[ -n "$DA_VERSION" ] || unset DA_VERSION;');
    const shipped = copies(runtime).find((c) => c.from === cliStage!.name);
    expect(shipped?.sources).toEqual([out!]);
    const env = runtime.instructions
      .filter((i) => i.op === "ENV")
      .map((i) => i.args)
      .join(" ");
    expect(env).toMatch(new RegExp(`CLI_DIST_DIR=${resolve("/app", shipped!.dest)}\\b`));
    expect(cliStage!.instructions.some((i) => i.op === "ARG" && i.args.startsWith("AGNES_COMMIT"))).toBe(true);
    expect(runtime.instructions.some((i) => i.op === "ARG" && i.args.startsWith("AGNES_COMMIT"))).toBe(true);
    expect(env).toContain("AGNES_COMMIT=${AGNES_COMMIT}");
    // The binaries are prebuilt, and the runtime has no build.ts to build more at start.
    expect(env).toMatch(/\bCLI_BUILD_ON_START=off\b/);
  });

  test("runs `bun src/server.ts` (the start script's entry) as a non-root user, with DATA_DIR=/data on a volume", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    // The start script sets the DuckDB thread pool in front of the command; the image sets it with ENV.
    const startEntry = pkg.scripts.start!.split("&&").at(-1)!.trim();
    const poolPrefix = "UV_THREADPOOL_SIZE=${UV_THREADPOOL_SIZE:-64} ";
    expect(startEntry.startsWith(poolPrefix)).toBe(true);
    const cmd = runtime.instructions.filter((i) => i.op === "CMD").at(-1)!;
    expect((JSON.parse(cmd.args) as string[]).join(" ")).toBe(startEntry.slice(poolPrefix.length));
    expect(runtime.instructions.some((i) => i.op === "ENV" && /\bUV_THREADPOOL_SIZE=64\b/.test(i.args))).toBe(true);
    const user = runtime.instructions.filter((i) => i.op === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(["root", "0", "0:0"]).not.toContain(user!);
    const userIndex = runtime.instructions.findIndex((i) => i.op === "USER");
    expect(runtime.instructions.findIndex((i) => i.op === "CMD")).toBeGreaterThan(userIndex);
    expect(runtime.instructions.some((i) => i.op === "VOLUME" && i.args.includes("/data"))).toBe(true);
    expect(runtime.instructions.some((i) => i.op === "ENV" && /\bDATA_DIR=\/data\b/.test(i.args))).toBe(true);
  });

  test("the runtime stage's files are enough to run the server, and its HEALTHCHECK command passes against it", async () => {
    // Lay out a directory exactly as the runtime stage's COPY lines do, then start the server there.
    const app = distTempDir("agnes-image-");
    for (const copy of copies(runtime)) {
      if (copy.from === null) {
        for (const source of copy.sources) {
          const target = copy.dest.endsWith("/") ? join(app, source) : join(app, copy.dest);
          cpSync(join(ROOT, source), target, { recursive: true });
        }
      }
    }
    symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules")); // COPY --from=deps
    const dist = fakeDist(["linux-x64"]); // COPY --from=cli
    cpSync(dist.dir, join(app, "dist/cli"), { recursive: true });

    const health = runtime.instructions.find((i) => i.op === "HEALTHCHECK")!;
    const probe = JSON.parse(health.args.slice(health.args.indexOf("CMD") + 3).trim()) as string[];
    expect(probe[0]).toBe("bun");
    expect(probe.join(" ")).toContain("/health");

    const proc = Bun.spawn(["bun", "src/server.ts"], {
      cwd: app,
      env: {
        PATH: process.env.PATH!,
        HOME: app,
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: join(app, "data"),
        CLI_DIST_DIR: join(app, "dist/cli"),
        CLI_BUILD_ON_START: "off",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      let output = "";
      const reader = proc.stdout.getReader();
      const deadline = Date.now() + 20_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        output += new TextDecoder().decode(value);
        url = /"event":"server.listening","url":"([^"]+)"/.exec(output)?.[1];
      }
      expect(url).toBeDefined();
      for (const path of ["/health", "/cli/install.sh", "/cli/manifest.json", "/install", "/static/app.css"]) {
        expect(`${path}: ${(await fetch(`${url}${path}`)).status}`).toBe(`${path}: 200`);
      }
      const port = new URL(url!).port;
      const ok = Bun.spawnSync(probe, { env: { PATH: process.env.PATH!, PORT: port } });
      expect(ok.exitCode).toBe(0);
    } finally {
      proc.kill();
      await proc.exited;
    }
    // …and fails when nothing answers.
    const down = Bun.spawnSync(probe, { env: { PATH: process.env.PATH!, PORT: "1" } });
    expect(down.exitCode).not.toBe(0);
  });
});
