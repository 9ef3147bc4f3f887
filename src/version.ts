import pkg from "../package.json" with { type: "json" };

/** The product version, from package.json; the CLI bakes the same value in at build time. */
export const VERSION: string = pkg.version;

/** The git commit the server runs, from AGNES_COMMIT (set by the Dockerfile) or the checkout. */
export function readCommit(env: Record<string, string | undefined> = process.env): string {
  if (env.AGNES_COMMIT) return env.AGNES_COMMIT;
  try {
    const out = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: import.meta.dir, stderr: "ignore" });
    const sha = out.stdout.toString().trim();
    return out.exitCode === 0 && sha ? sha : "unknown";
  } catch {
    return "unknown";
  }
}
