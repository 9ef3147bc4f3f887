// Compiles cli/main.ts into the standalone `da` binary. build.ts imports compileDa for every
// platform; `bun scripts/build-cli.ts` builds the host's binary into dist/da.
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };

const ROOT = join(import.meta.dir, "..");

export type CompileDaOptions = {
  /** A Bun compile target such as "bun-linux-x64"; default: the host. */
  target?: string;
  outfile: string;
  /** Default: package.json's version. */
  version?: string;
  /** Default: the checkout's short commit, or "unknown". */
  commit?: string;
};

function gitShortCommit(): string {
  const out = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT, stderr: "ignore" });
  const sha = out.stdout.toString().trim();
  return out.exitCode === 0 && sha ? sha : "unknown";
}

export async function compileDa(opts: CompileDaOptions): Promise<void> {
  const version = opts.version ?? pkg.version;
  const commit = opts.commit ?? gitShortCommit();
  const result = await Bun.build({
    entrypoints: [join(ROOT, "cli/main.ts")],
    compile: {
      ...(opts.target ? { target: opts.target as Bun.Build.CompileTarget } : {}),
      outfile: opts.outfile,
      // A .env or bunfig.toml in the directory da runs in must not redirect it (or its token).
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    // Splitting keeps the prompt library (and the node:readline/tty it pulls in) in a chunk that
    // loads only when a prompt is shown: `da --version` starts about twice as fast.
    splitting: true,
    minify: true,
    bytecode: true,
    format: "esm",
    define: { DA_VERSION: JSON.stringify(version), DA_COMMIT: JSON.stringify(commit) },
    throw: false,
  });
  if (!result.success) {
    const messages = result.logs.map((log) => String(log)).join("\n");
    throw new Error(`building da${opts.target ? ` for ${opts.target}` : ""} failed:\n${messages}`);
  }
}

if (import.meta.main) {
  const outfile = join(ROOT, "dist", process.platform === "win32" ? "da.exe" : "da");
  await compileDa({ outfile });
  console.log(`built ${outfile}`);
}
