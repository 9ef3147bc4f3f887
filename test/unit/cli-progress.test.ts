// Progress bars of `da admin datasets load` and `da sync`, in process with a fake terminal: a bar
// that climbs as the bytes go (the file is streamed in chunks, not sent whole), reaches 100 % and
// is cleared; no bar at all when stderr is not a terminal or with --json.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { progressLine } from "../../cli/progress";
import { createTestApp, type TestApp } from "../helpers/app";
import { type InProcessOptions, runInProcess } from "../helpers/da-in-process";

let t: TestApp;
let work: string;
let admin: string;
const csv = () => join(work, "numbers.csv");
beforeAll(async () => {
  t = await createTestApp({ env: { CLI_MIN_VERSION: "0.0.0-dev" } });
  admin = await t.login();
  work = mkdtempSync(join(tmpdir(), "da-progress-"));
  // ~4 MB: read from disk in several chunks of 256–512 KB.
  writeFileSync(csv(), `n,label\n${Array.from({ length: 300_000 }, (_, i) => `${i},row-${i}`).join("\n")}\n`);
});
afterAll(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

const da = (argv: string[], opts: InProcessOptions = {}) => runInProcess(t, join(work, "config"), argv, { token: admin, ...opts });

/** The percentages the bar showed, in the order drawn. */
function percentages(stderr: string, label: string): number[] {
  return [...stderr.matchAll(new RegExp(`\\r${label} \\[[█░]+\\] +(\\d+)%`, "g"))].map((m) => Number(m[1]));
}

test("load on a terminal shows a bar that climbs to 100 % while the file is sent, then the result", async () => {
  const res = await da(["admin", "datasets", "load", csv(), "--name", "numbers"], { ttyColumns: 100 });
  expect(res.code).toBe(0);
  const shown = percentages(res.stderr, "Uploading numbers.csv");
  expect(shown.at(-1)).toBe(100);
  expect(new Set(shown).size).toBeGreaterThanOrEqual(4); // streamed: several steps, not 0 → 100
  expect(shown).toEqual([...shown].sort((a, b) => a - b));
  expect(res.stderr).toContain("\r\x1b[K");
  expect(res.stderr).toContain("the server is loading it");
  expect(res.stderr).toContain("Loaded numbers: 300000 rows, 2 columns");
});

test("load without a terminal, or with --json, draws no bar", async () => {
  const piped = await da(["admin", "datasets", "load", csv(), "--name", "numbers", "--replace"]);
  expect(piped.code).toBe(0);
  expect(piped.stderr).not.toContain("\r");
  expect(piped.stderr).toContain("Replaced numbers: 300000 rows");
  const json = await da(["admin", "datasets", "load", csv(), "--name", "numbers", "--replace", "--json"], { ttyColumns: 100 });
  expect(json.code).toBe(0);
  expect(json.stderr).toBe("");
  expect(JSON.parse(json.stdout)).toMatchObject({ name: "numbers", rows: 300000 });
});

test("sync on a terminal shows a bar per download; piped or --json, none", async () => {
  const small = join(work, "small.csv");
  writeFileSync(small, "a\n1\n2\n");
  expect((await da(["admin", "datasets", "load", small, "--name", "small"])).code).toBe(0);
  const res = await da(["sync", "--dir", join(work, "tty")], { ttyColumns: 100 });
  expect(res.code).toBe(0);
  expect(percentages(res.stderr, "numbers").at(-1)).toBe(100);
  expect(percentages(res.stderr, "small").at(-1)).toBe(100);
  expect(res.stderr).toContain("2 downloaded, 0 up to date, 0 failed");
  expect(
    readFileSync(join(work, "tty", "server", "parquet", "small.parquet"))
      .subarray(0, 4)
      .toString(),
  ).toBe("PAR1");
  const piped = await da(["sync", "--dir", join(work, "piped")]);
  expect(piped.code).toBe(0);
  expect(piped.stderr).not.toContain("\r");
  const json = await da(["sync", "--dir", join(work, "json"), "--json"], { ttyColumns: 100 });
  expect(json.stderr).toBe("");
  expect(JSON.parse(json.stdout).downloaded.sort()).toEqual(["numbers", "small"]);
});

test("the bar fits the terminal and says how much of how much", () => {
  const line = progressLine("sales", 5 * 1024 * 1024, 10 * 1024 * 1024, 2 * 1024 * 1024, 60);
  expect(line.length).toBeLessThanOrEqual(60);
  expect(line).toMatch(/^sales \[█+░+\] {2}50% 5\.0\/10\.0 MB 2\.0 MB\/s$/);
  const bar = line.slice(line.indexOf("[") + 1, line.indexOf("]"));
  expect(Math.abs(bar.split("█").length - bar.split("░").length)).toBeLessThanOrEqual(1);
  expect(progressLine("sales", 3 * 1024 * 1024, 0, 0, 80)).toBe("sales 3.0 MB");
});
