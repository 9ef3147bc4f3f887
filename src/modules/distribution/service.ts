// The CLI build on disk (CLI_DIST_DIR, written by build.ts) and which target a client should get.
// manifest.json is the source of truth: a target is served only when the manifest lists it and its
// file exists. The manifest is cached and re-read when its mtime, size or inode changes, so a
// rebuild (build.ts writes manifest.json last, by rename: a new inode) shows up without a restart
// and costs no disk read per request beyond one stat.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Logger } from "../../log";
import type { Manifest, ManifestTarget } from "../../shared/contract";
import { BadRequest, NotFound } from "../../shared/errors";
import { chooseTarget, TARGET_NAMES, TARGETS, targetInfo, UNAME_ARCH, type Arch, type Os } from "../../shared/targets";

export type BuiltTarget = Omit<ManifestTarget, "url">;
export type DiskManifest = { version: string; commit: string; targets: BuiltTarget[]; sha256sums?: string; signature?: string; signing_key?: string };

const diskManifestSchema = z.object({
  version: z.string().min(1),
  commit: z.string(),
  targets: z.array(
    z.object({
      target: z.string(),
      os: z.enum(["linux", "darwin", "windows"]),
      arch: z.enum(["x64", "arm64"]),
      // a bare file name: the manifest must never point the server outside CLI_DIST_DIR
      filename: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
      size: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
  // SHA256SUMS and its minisign signature, in the manifest so one read gives a consistent pair.
  sha256sums: z.string().optional(),
  signature: z.string().optional(),
  // The public key that signed it (and is baked into its binaries).
  signing_key: z.string().optional(),
});

export const NOT_BUILT_HINT = "run `bun run build` on the server to build the CLI binaries";

export class CliDistribution {
  private cached: { mtimeMs: number; size: number; ino: number; manifest: DiskManifest | null } | null = null;

  constructor(
    readonly distDir: string,
    private readonly log?: Pick<Logger, "warn">,
  ) {}

  get manifestPath(): string {
    return join(this.distDir, "manifest.json");
  }

  /** The last build's manifest, or null when nothing (readable) is built. */
  async manifest(): Promise<DiskManifest | null> {
    const info = await stat(this.manifestPath).catch(() => null);
    if (!info) {
      this.cached = null;
      return null;
    }
    const { mtimeMs, size, ino } = info;
    const c = this.cached;
    if (c && c.mtimeMs === mtimeMs && c.size === size && c.ino === ino) return c.manifest;
    const manifest = await this.readManifest();
    this.cached = { mtimeMs, size, ino, manifest };
    return manifest;
  }

  private async readManifest(): Promise<DiskManifest | null> {
    try {
      const parsed = diskManifestSchema.safeParse(await Bun.file(this.manifestPath).json());
      if (!parsed.success) {
        this.log?.warn("cli_manifest_invalid", { path: this.manifestPath, problem: parsed.error.issues[0]?.message });
        return null;
      }
      // Only targets this server knows are served; anything else in the file is ignored.
      return { ...parsed.data, targets: parsed.data.targets.filter((x) => TARGET_NAMES.includes(x.target)) };
    } catch (error) {
      this.log?.warn("cli_manifest_unreadable", { path: this.manifestPath, problem: (error as Error).message });
      return null;
    }
  }

  /** The built binary for `name`: 404 listing the known targets, or 404 saying how to build. */
  async builtTarget(name: string): Promise<{ manifest: DiskManifest; entry: BuiltTarget; path: string }> {
    if (!targetInfo(name)) {
      throw new NotFound(`Unknown CLI target "${name}"; known targets: ${TARGET_NAMES.join(", ")}`);
    }
    const manifest = await this.manifest();
    const entry = manifest?.targets.find((x) => x.target === name);
    const path = entry ? join(this.distDir, entry.filename) : null;
    if (!manifest || !entry || !path || !(await Bun.file(path).exists())) {
      throw new NotFound(`The da CLI for ${name} is not built on this server; ${NOT_BUILT_HINT}`);
    }
    return { manifest, entry, path };
  }
}

// Query spellings: os names people, uname and Node use; arch exactly the `uname -m` table (lower-cased).
// Maps, not object literals: a query like `?os=__proto__` must find nothing, not Object.prototype.
const OS_ALIASES = new Map<string, Os>(
  Object.entries({
    linux: "linux",
    darwin: "darwin",
    macos: "darwin",
    mac: "darwin",
    osx: "darwin",
    windows: "windows",
    win: "windows",
    win32: "windows",
    win64: "windows",
  }),
);
const ARCH_ALIASES = new Map<string, Arch>(Object.entries(UNAME_ARCH).map(([k, v]) => [k.toLowerCase(), v]));

export type TargetQuery = { os?: string; arch?: string; libc?: string };

/**
 * The target for `?os=&arch=[&libc=musl]` (uname spellings accepted: Darwin, x86_64, aarch64…), by
 * the same rule install.sh follows (chooseTarget). The query says nothing about AVX2, so the
 * baseline build is picked only when nothing else for that os/arch is built.
 */
export function matchTarget(query: TargetQuery, built: readonly string[]): string {
  if (!query.os || !query.arch) throw new BadRequest("Give both os and arch, e.g. /cli/download?os=linux&arch=x64");
  const os = OS_ALIASES.get(query.os.trim().toLowerCase());
  if (!os) throw new BadRequest(`Unknown os "${query.os}"; expected linux, darwin or windows`);
  const arch = ARCH_ALIASES.get(query.arch.trim().toLowerCase());
  if (!arch) throw new BadRequest(`Unknown arch "${query.arch}"; expected x64 (x86_64, amd64) or arm64 (aarch64)`);
  const libc = query.libc?.trim().toLowerCase();
  if (libc && libc !== "musl" && libc !== "gnu" && libc !== "glibc") {
    throw new BadRequest(`Unknown libc "${query.libc}"; expected gnu or musl`);
  }
  if (!TARGETS.some((x) => x.os === os && x.arch === arch)) {
    throw new NotFound(`No da CLI is made for ${os}/${arch}; known targets: ${TARGET_NAMES.join(", ")}`);
  }
  const choice = chooseTarget({ os, arch, musl: libc === "musl", avx2: true }, built);
  if (!choice.target) throw new NotFound(`The da CLI for ${os}/${arch} is not built on this server; ${NOT_BUILT_HINT}`);
  return choice.target;
}

/** `sha256sum`-format lines ("<hex>  <file>") for every built binary: the signed file when there is one. */
export function sha256sums(manifest: DiskManifest | null): string {
  if (manifest?.sha256sums !== undefined) return manifest.sha256sums;
  return (manifest?.targets ?? []).map((x) => `${x.sha256}  ${x.filename}\n`).join("");
}

export function withUrls(manifest: DiskManifest, baseUrl: string): Manifest {
  return {
    version: manifest.version,
    commit: manifest.commit,
    targets: manifest.targets.map((x) => ({ ...x, url: `${baseUrl}/cli/download/${x.target}` })),
    ...(manifest.signature !== undefined && manifest.sha256sums !== undefined ? { sha256sums: manifest.sha256sums, signature: manifest.signature } : {}),
  };
}
