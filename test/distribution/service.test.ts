// The rules behind the routes, without HTTP: target matching, byte ranges, Accept-Encoding.
import { describe, expect, test } from "bun:test";
import { acceptsGzip, parseRange } from "../../src/modules/distribution/download";
import { matchTarget, sha256sums } from "../../src/modules/distribution/service";
import { BadRequest, NotFound } from "../../src/shared/errors";

const ALL = ["linux-x64", "linux-arm64", "linux-x64-musl", "linux-arm64-musl", "linux-x64-baseline", "darwin-x64", "darwin-arm64", "windows-x64"];

describe("matchTarget", () => {
  test("uname and Node spellings map to targets; the baseline build is never picked by os/arch alone", () => {
    expect(matchTarget({ os: "Linux", arch: "x86_64" }, ALL)).toBe("linux-x64");
    expect(matchTarget({ os: "linux", arch: "arm64" }, ALL)).toBe("linux-arm64");
    expect(matchTarget({ os: "darwin", arch: "aarch64" }, ALL)).toBe("darwin-arm64");
    expect(matchTarget({ os: "win32", arch: "x64" }, ALL)).toBe("windows-x64");
    expect(matchTarget({ os: "linux", arch: "x64", libc: "musl" }, ALL)).toBe("linux-x64-musl");
    expect(matchTarget({ os: "linux", arch: "x64", libc: "glibc" }, ALL)).toBe("linux-x64");
  });

  test("falls back between libc builds only in the direction that can work", () => {
    expect(matchTarget({ os: "linux", arch: "x64", libc: "musl" }, ["linux-x64"])).toBe("linux-x64");
    expect(matchTarget({ os: "linux", arch: "x64", libc: "musl" }, ["linux-x64-baseline"])).toBe("linux-x64-baseline");
    // a musl build cannot run on a glibc system (no /lib/ld-musl-*), so it is never offered there
    expect(() => matchTarget({ os: "linux", arch: "x64" }, ["linux-x64-musl"])).toThrow(NotFound);
    // the baseline build runs on every x64 CPU: the last resort
    expect(matchTarget({ os: "linux", arch: "x64" }, ["linux-x64-baseline"])).toBe("linux-x64-baseline");
    expect(matchTarget({ os: "linux", arch: "x64" }, ["linux-x64-baseline", "linux-x64"])).toBe("linux-x64");
  });

  test("bad input is a 400, nothing to offer is a 404", () => {
    expect(() => matchTarget({ os: "linux" }, ALL)).toThrow(BadRequest);
    expect(() => matchTarget({ os: "haiku", arch: "x64" }, ALL)).toThrow(BadRequest);
    expect(() => matchTarget({ os: "linux", arch: "riscv64" }, ALL)).toThrow(BadRequest);
    expect(() => matchTarget({ os: "windows", arch: "arm64" }, ALL)).toThrow(NotFound);
    expect(() => matchTarget({ os: "darwin", arch: "x64" }, ["linux-x64"])).toThrow(/bun run build/);
  });
});

describe("parseRange", () => {
  test("single ranges in every form; anything else is ignored (the whole file is sent)", () => {
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange("bytes=-30", 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=2-100", 10)).toEqual({ start: 2, end: 9 });
    expect(parseRange(null, 10)).toBeNull();
    expect(parseRange("bytes=0-1,3-4", 10)).toBeNull();
    expect(parseRange("items=0-1", 10)).toBeNull();
    expect(parseRange("bytes=-", 10)).toBeNull();
  });

  test("unsatisfiable ranges", () => {
    expect(parseRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=5-4", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
  });
});

describe("acceptsGzip", () => {
  test("by name, by wildcard, and q=0 refusals", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("gzip, deflate, br")).toBe(true);
    expect(acceptsGzip("br;q=1.0, gzip;q=0.5")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("*;q=0.5, gzip;q=0")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("br")).toBe(false);
    expect(acceptsGzip(null)).toBe(false);
  });
});

test("sha256sums: one sha256sum line per binary, empty without a build", () => {
  expect(sha256sums(null)).toBe("");
  const manifest = {
    version: "1",
    commit: "c",
    targets: [{ target: "linux-x64", os: "linux" as const, arch: "x64" as const, filename: "da-linux-x64", size: 1, sha256: "a".repeat(64) }],
  };
  expect(sha256sums(manifest)).toBe(`${"a".repeat(64)}  da-linux-x64\n`);
});
