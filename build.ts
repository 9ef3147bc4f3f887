// `bun run build`: every platform's `da` binary into CLI_DIST_DIR (default dist/cli), with gzip and
// zstd copies (served precompressed), SHA256SUMS and manifest.json, which the server serves under /cli/.
//
//   bun build.ts [--version X] [--commit C] [--targets linux-x64,darwin-arm64] [--out DIR] [--no-gzip] [--no-zstd] [--merge] [--jobs N]
//
// --merge keeps the targets of an existing manifest of the same version that this run does not build
// (the server builds one target at a time at start). zstd at level 19 takes ~1–2 min per target on
// 2 cores for 38 % of the raw size (gzip -6: 48 %); `bun build.ts --child-zstd FILE` adds it later.
//
// Environment: DA_VERSION (version to bake in; default package.json's), AGNES_COMMIT, CLI_DIST_DIR,
// DA_SIGNING_KEY (default $DATA_DIR/state/da-signing-key, made when missing): SHA256SUMS is signed with
// it (SHA256SUMS.minisig, also carried in manifest.json) and its public half is baked into every `da`.
// Everything is built into a staging directory first and moved into place only when every target
// succeeded; manifest.json is written last (by rename), so a running server never sees a manifest
// naming files that are not there yet. Any failed target → non-zero exit and the old build stays.
import { availableParallelism } from "node:os";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { TARGET_NAMES, binaryFilename, targetInfo, type TargetInfo } from "./src/shared/targets";
import { readCommit, VERSION } from "./src/version";
import { loadSigningKey, signingKeyPath, SigningKeyError } from "./src/config/signing-key";
import { publicKeyBase64, publicKeyOf, signDetached, type SecretKey } from "./src/shared/minisign";
import { releaseComment, SIGNATURE_FILE, SUMS_FILE } from "./src/shared/release-signing";

type Built = { info: TargetInfo; filename: string; size: number; sha256: string; gzipSize: number | null; zstdSize: number | null; seconds: number };

const GZIP_LEVEL = 6; // -9 saves ~2 % more for twice the time (see bench/build-and-install.ts)
// Measured on linux-x64 (111 MB): level 3 → 46 %, 9 → 42 %, 15 → 41 %, 19 → 38 % (the ≤ 40 % goal).
export const ZSTD_LEVEL = 19;

/** Child mode: write FILE.zst (by rename, so the server never serves half of one); prints its size. */
async function zstdChild(file: string): Promise<number> {
  const compressed = Bun.zstdCompressSync(await Bun.file(file).bytes(), { level: ZSTD_LEVEL });
  await Bun.write(`${file}.zst.tmp`, compressed);
  renameSync(`${file}.zst.tmp`, `${file}.zst`);
  return compressed.length;
}

/** Child mode: hash one binary and write its .gz beside it (gzipSync blocks, so it runs in its own process). */
async function gzipChild(file: string, gzip: boolean, zstd: boolean): Promise<void> {
  const bytes = await Bun.file(file).bytes();
  const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  let gzipSize: number | null = null;
  if (gzip) {
    const compressed = Bun.gzipSync(bytes, { level: GZIP_LEVEL });
    await Bun.write(`${file}.gz`, compressed);
    gzipSize = compressed.length;
  }
  const zstdSize = zstd ? await zstdChild(file) : null;
  process.stdout.write(JSON.stringify({ sha256, size: bytes.length, gzipSize, zstdSize }));
}

function usage(message?: string): never {
  if (message) console.error(`build.ts: ${message}`);
  console.error(
    "usage: bun build.ts [--version X] [--commit C] [--targets a,b] [--out DIR] [--no-gzip] [--no-zstd] [--merge] [--jobs N]\n" +
      `targets: ${TARGET_NAMES.join(", ")}`,
  );
  process.exit(2);
}

function parseOptions() {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      version: { type: "string" },
      commit: { type: "string" },
      targets: { type: "string" },
      out: { type: "string" },
      "no-gzip": { type: "boolean" },
      "no-zstd": { type: "boolean" },
      merge: { type: "boolean" },
      jobs: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) usage();
  const version = values.version ?? process.env.DA_VERSION ?? VERSION;
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(version)) usage(`version "${version}" must look like 1.2.3 or 1.2.3-rc.1`);
  const commit = values.commit ?? readCommit();
  if (!/^[0-9A-Za-z._-]+$/.test(commit)) usage(`commit "${commit}" must be a plain id`);
  const names = values.targets
    ? values.targets
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [...TARGET_NAMES];
  const unknown = names.filter((n) => !targetInfo(n));
  if (unknown.length || names.length === 0) usage(`unknown target(s): ${unknown.join(", ") || "(none given)"}`);
  const jobs = values.jobs ? Number(values.jobs) : Math.max(1, Math.min(availableParallelism(), 4));
  if (!Number.isInteger(jobs) || jobs < 1) usage("--jobs must be a whole number ≥ 1");
  return {
    version,
    commit,
    targets: [...new Set(names)].map((n) => targetInfo(n)!),
    outDir: resolve(values.out ?? process.env.CLI_DIST_DIR ?? "dist/cli"),
    gzip: !values["no-gzip"],
    zstd: !values["no-zstd"],
    merge: values.merge === true,
    jobs,
    signingKey: deploymentKey(),
  };
}

function deploymentKey(): SecretKey {
  try {
    return loadSigningKey(signingKeyPath(process.env));
  } catch (error) {
    if (!(error instanceof SigningKeyError)) throw error;
    console.error(`build.ts: ${error.message}`);
    process.exit(2);
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function buildOne(info: TargetInfo, staging: string, opts: ReturnType<typeof parseOptions>): Promise<Built> {
  const { compileDa } = await import("./scripts/build-cli");
  const started = performance.now();
  const filename = binaryFilename(info.target);
  const outfile = join(staging, filename);
  const signingKey = publicKeyBase64(publicKeyOf(opts.signingKey));
  await compileDa({ target: info.target, outfile, version: opts.version, commit: opts.commit, signingKey });
  const compiled = performance.now();
  const child = Bun.spawn([process.execPath, import.meta.path, "--child-digest", outfile, opts.gzip ? "gzip" : "plain", opts.zstd ? "zstd" : "plain"], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`hashing/compressing ${filename} failed (exit ${code})`);
  const digest = JSON.parse(out) as { sha256: string; size: number; gzipSize: number | null; zstdSize: number | null };
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  ✓ ${info.target.padEnd(20)} ${mb(digest.size).padStart(9)}` +
      (digest.gzipSize === null ? "" : `  gzip ${mb(digest.gzipSize).padStart(8)}`) +
      (digest.zstdSize === null ? "" : `  zstd ${mb(digest.zstdSize).padStart(8)}`) +
      `  compile ${((compiled - started) / 1000).toFixed(1)} s, total ${seconds.toFixed(1)} s`,
  );
  return { info, filename, size: digest.size, sha256: digest.sha256, gzipSize: digest.gzipSize, zstdSize: digest.zstdSize, seconds };
}

/** Run jobs with at most `limit` in flight; the first failure stops new ones from starting. */
async function pool<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await run(items[index]!);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== null) throw failed;
  return results;
}

function install(built: Built[], staging: string, opts: ReturnType<typeof parseOptions>): void {
  for (const b of built) {
    renameSync(join(staging, b.filename), join(opts.outDir, b.filename));
    if (b.gzipSize !== null) renameSync(join(staging, `${b.filename}.gz`), join(opts.outDir, `${b.filename}.gz`));
    else rmSync(join(opts.outDir, `${b.filename}.gz`), { force: true }); // never leave an older build's .gz
    if (b.zstdSize !== null) renameSync(join(staging, `${b.filename}.zst`), join(opts.outDir, `${b.filename}.zst`));
    else rmSync(join(opts.outDir, `${b.filename}.zst`), { force: true });
  }
  const targets = [
    ...(opts.merge ? keptTargets(opts, new Set(built.map((b) => b.info.target))) : []),
    ...built.map((b) => ({
      target: b.info.target,
      os: b.info.os,
      arch: b.info.arch,
      filename: b.filename,
      size: b.size,
      sha256: b.sha256,
    })),
  ];
  const sums = targets.map((t) => `${t.sha256}  ${t.filename}\n`).join("");
  const signature = signSums(opts.signingKey, sums, opts.version, opts.commit);
  const signingKey = publicKeyBase64(publicKeyOf(opts.signingKey));
  const manifest = {
    version: opts.version,
    commit: opts.commit,
    built_at: new Date().toISOString(),
    targets,
    sha256sums: sums,
    signature,
    signing_key: signingKey,
  };
  for (const [name, text] of [
    [SUMS_FILE, sums],
    [SIGNATURE_FILE, signature],
  ] as const) {
    writeFileSync(join(staging, name), text);
    renameSync(join(staging, name), join(opts.outDir, name));
  }
  writeFileSync(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(join(staging, "manifest.json"), join(opts.outDir, "manifest.json"));
}

/** SHA256SUMS signed in minisign's format; the trusted comment names the version (no replaying an old release as new). */
function signSums(key: SecretKey, sums: string, version: string, commit: string): string {
  return signDetached(key, Buffer.from(sums, "utf8"), releaseComment(version, commit), `da ${version} release, signed by an Agnes server's da signing key`);
}

type ManifestEntry = { target: string; os: string; arch: string; filename: string; size: number; sha256: string };

/** --merge: the existing manifest's entries of the same version for targets not rebuilt now, whose files are there. */
function keptTargets(opts: ReturnType<typeof parseOptions>, rebuilt: Set<string>): ManifestEntry[] {
  try {
    const old = JSON.parse(readFileSync(join(opts.outDir, "manifest.json"), "utf8")) as { version?: string; targets?: ManifestEntry[] };
    if (old.version !== opts.version || !Array.isArray(old.targets)) return [];
    return old.targets.filter((t) => targetInfo(t.target) && !rebuilt.has(t.target) && existsSync(join(opts.outDir, t.filename)));
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const opts = parseOptions();
  mkdirSync(opts.outDir, { recursive: true });
  // Leftovers of an interrupted earlier build.
  for (const name of readdirSync(opts.outDir)) {
    if (name.startsWith(".staging-") && statSync(join(opts.outDir, name)).isDirectory()) {
      rmSync(join(opts.outDir, name), { recursive: true, force: true });
    }
  }
  const staging = join(opts.outDir, `.staging-${process.pid}`);
  mkdirSync(staging);
  const started = performance.now();
  console.log(`Building da ${opts.version} (${opts.commit}) for ${opts.targets.length} target(s) into ${opts.outDir}, ${opts.jobs} at a time`);
  try {
    const built = await pool(opts.targets, opts.jobs, (info) =>
      buildOne(info, staging, opts).catch((error: unknown) => {
        console.error(`  ✗ ${info.target}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }),
    );
    install(built, staging, opts);
    const total = built.reduce((sum, b) => sum + b.size, 0);
    console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${built.length} binaries, ${mb(total)}, manifest.json + SHA256SUMS`);
  } catch {
    console.error(`build failed: nothing was replaced in ${opts.outDir}`);
    process.exitCode = 1;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (Bun.argv[2] === "--child-digest") await gzipChild(Bun.argv[3]!, Bun.argv[4] === "gzip", Bun.argv[5] === "zstd");
else if (Bun.argv[2] === "--child-zstd") process.stdout.write(String(await zstdChild(Bun.argv[3]!)));
else if (import.meta.main) await main();
