// Every platform `da` is built for. build.ts compiles these; the server serves only what the last
// build's manifest lists. Names match the contract's CLI_TARGETS (src/shared/contract.ts).
import type { CliTarget } from "../../shared/contract";

export type TargetInfo = {
  target: CliTarget;
  os: "linux" | "darwin" | "windows";
  arch: "x64" | "arm64";
  /** `bun build --compile --target=` value. */
  bunTarget: string;
  libc: "gnu" | "musl" | null;
  /** Built for CPUs without AVX2 (Bun's "baseline" runtime). */
  baseline: boolean;
};

const t = (target: CliTarget, os: TargetInfo["os"], arch: TargetInfo["arch"], libc: TargetInfo["libc"], baseline = false): TargetInfo => ({
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

export function targetInfo(name: string): TargetInfo | undefined {
  return TARGETS.find((x) => x.target === name);
}

export function binaryFilename(target: string): string {
  return target.startsWith("windows-") ? `da-${target}.exe` : `da-${target}`;
}
