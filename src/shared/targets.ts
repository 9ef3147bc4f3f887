// The one table of platforms `da` is built for, and the one rule for which build a machine gets.
// build.ts compiles these; the server serves what the last build's manifest lists and answers
// /cli/download?os=&arch= with chooseTarget; `da` bakes in its own row at build time and `da update`
// asks only for updateTargets() of it. install.sh cannot import TypeScript: its uname mapping and
// choices are checked against this file by test/distribution/targets-sync.test.ts.
// Names match the contract's CLI_TARGETS (src/shared/contract.ts); test/distribution/build.test.ts holds them equal.
import type { CliTarget } from "./contract";

export type Os = "linux" | "darwin" | "windows";
export type Arch = "x64" | "arm64";

export type TargetInfo = {
  target: CliTarget;
  os: Os;
  arch: Arch;
  /** `bun build --compile --target=` value. */
  bunTarget: string;
  libc: "gnu" | "musl" | null;
  /** Built for CPUs without AVX2 (Bun's "baseline" runtime). */
  baseline: boolean;
};

const t = (target: CliTarget, os: Os, arch: Arch, libc: TargetInfo["libc"], baseline = false): TargetInfo => ({
  target,
  os,
  arch,
  bunTarget: `bun-${target}`,
  libc,
  baseline,
});

export const TARGETS: readonly TargetInfo[] = [
  t("linux-x64", "linux", "x64", "gnu"),
  t("linux-arm64", "linux", "arm64", "gnu"),
  t("linux-x64-musl", "linux", "x64", "musl"),
  t("linux-arm64-musl", "linux", "arm64", "musl"),
  t("linux-x64-baseline", "linux", "x64", "gnu", true),
  t("darwin-x64", "darwin", "x64", null),
  t("darwin-arm64", "darwin", "arm64", null),
  t("windows-x64", "windows", "x64", null),
];

export const TARGET_NAMES: readonly string[] = TARGETS.map((x) => x.target);

/** `uname -s` → os, for the systems install.sh serves (Windows gets install.ps1). */
export const UNAME_OS: Readonly<Record<string, Os>> = { Linux: "linux", Darwin: "darwin" };

/**
 * `uname -m` → arch. Deliberately no `armv8l`/`armv7l`: those are 32-bit ARM userlands, where an
 * arm64 build (and its /lib/ld-linux-aarch64.so.1) cannot run.
 */
export const UNAME_ARCH: Readonly<Record<string, Arch>> = { x86_64: "x64", amd64: "x64", x64: "x64", aarch64: "arm64", arm64: "arm64" };

export function targetInfo(name: string): TargetInfo | undefined {
  return TARGETS.find((x) => x.target === name);
}

export function binaryFilename(target: string): string {
  return target.startsWith("windows-") ? `da-${target}.exe` : `da-${target}`;
}

/** What a machine is, as install.sh detects it (`musl`: musl libc; `avx2`: the CPU has AVX2). */
export type Host = { os: Os; arch: Arch; musl: boolean; avx2: boolean };

/** The chosen build (null: nothing suitable is built), and which preference had to be given up. */
export type Choice = { target: string | null; wanted: string; gaveUp: "musl" | "avx2" | null };

function row(os: Os, arch: Arch, libc: TargetInfo["libc"], baseline: boolean): TargetInfo | undefined {
  return TARGETS.find((x) => x.os === os && x.arch === arch && x.libc === libc && x.baseline === baseline);
}

/**
 * Which build `host` gets from the builds in `built` (install.sh's choose_target says the same):
 * musl libc prefers the musl build and falls back to the glibc one (it may run with gcompat); a CPU
 * without AVX2 needs the baseline build when there is one; the baseline build runs on every CPU of
 * its arch, so it is also the last resort. A glibc system never gets a musl build.
 */
export function chooseTarget(host: Host, built: readonly string[]): Choice {
  const isBuilt = (x: TargetInfo | undefined): x is TargetInfo => x !== undefined && built.includes(x.target);
  const libc = host.os === "linux" ? "gnu" : null;
  const plain = row(host.os, host.arch, libc, false);
  const baseline = row(host.os, host.arch, libc, true);
  let chosen = plain;
  let gaveUp: Choice["gaveUp"] = null;
  const musl = host.os === "linux" && host.musl ? row(host.os, host.arch, "musl", false) : undefined;
  if (host.os === "linux" && host.musl) {
    if (isBuilt(musl)) chosen = musl;
    else gaveUp = "musl";
  } else if (!host.avx2 && baseline) {
    if (isBuilt(baseline)) chosen = baseline;
    else gaveUp = "avx2";
  }
  if (!isBuilt(chosen) && isBuilt(baseline)) chosen = baseline;
  const wanted = chosen?.target ?? `${host.os}-${host.arch}`;
  return { target: isBuilt(chosen) ? chosen.target : null, wanted, gaveUp };
}

/**
 * What `da update` may replace a `current` build with, best first: the same build, else its
 * baseline twin (same os, arch and libc; it runs wherever `current` runs). Never a build that needs
 * more of the machine (baseline → AVX2) or another libc (musl ↔ glibc).
 */
export function updateTargets(current: string): string[] {
  const info = targetInfo(current);
  if (!info) return [];
  const twin = info.baseline ? undefined : row(info.os, info.arch, info.libc, true);
  return twin ? [info.target, twin.target] : [info.target];
}
