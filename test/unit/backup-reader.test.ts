// restore reads only what the manifest lists, streamed, and refuses every other shape of archive
// from its tar header, before reading the entry: memory stays flat whatever the archive claims.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BackupInvalid } from "../../src/ops/backup-archive";
import { readBackupArchive } from "../../src/ops/backup-reader";
import { manifestFor, sha256, writeArchive, type FakeEntry } from "../helpers/hostile-archive";

const dir = mkdtempSync(join(tmpdir(), "agnes-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DB = "database bytes";
const GiB = 1024 ** 3;
let n = 0;

async function archive(entries: FakeEntry[]): Promise<string> {
  const path = join(dir, `a${n++}.tar.gz`);
  await writeArchive(path, entries);
  return path;
}

const good = (): FakeEntry[] => [
  { name: "manifest.json", body: manifestFor({ "state/system.duckdb": DB }) },
  { name: "state/system.duckdb", body: DB },
];
/** Format 1 (still read), so the memory cases exercise the reader from before this fix the same way. */
const goodV1 = (): FakeEntry[] => [
  { name: "manifest.json", body: manifestFor({ "state/system.duckdb": DB }, { format_version: 1 }) },
  { name: "state/system.duckdb", body: DB },
];

/** Reads the archive in a child process: its outcome and how much its peak RSS grew. */
async function readInChild(path: string): Promise<{ outcome: string; growthMb: number }> {
  const child = Bun.spawn(["bun", resolve(import.meta.dir, "../helpers/read-archive-child.ts"), path], { stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [out] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  return JSON.parse(out) as { outcome: string; growthMb: number };
}

describe("hostile archives are refused in bounded memory", () => {
  test("a 1 GiB run of zeros the manifest does not list (about 1 MB on disk) is refused without being read", async () => {
    const path = await archive([...goodV1(), { name: "padding.bin", zeros: GiB }]);
    expect(statSync(path).size).toBeLessThan(3 * 1024 * 1024);
    const { outcome, growthMb } = await readInChild(path);
    expect(outcome).toBe('it holds "padding.bin", which its manifest does not list');
    expect(growthMb).toBeLessThan(64);
  });

  test("a listed entry whose tar size lies about the manifest's is refused before it is read", async () => {
    const path = await archive([goodV1()[0]!, { name: "state/system.duckdb", zeros: GiB }]);
    const { outcome, growthMb } = await readInChild(path);
    expect(outcome).toBe(`state/system.duckdb is ${GiB} bytes in the archive but ${DB.length} in its manifest`);
    expect(growthMb).toBeLessThan(64);
  });

  test("a manifest that claims the size honestly but not the content is streamed and refused by its checksum", async () => {
    const size = 64 * 1024 * 1024;
    const manifest = JSON.stringify({
      ...JSON.parse(manifestFor({}, { format_version: 1 })),
      files: { "state/system.duckdb": { size, sha256: sha256("other") } },
    });
    const path = await archive([
      { name: "manifest.json", body: manifest },
      { name: "state/system.duckdb", zeros: size },
    ]);
    const { outcome, growthMb } = await readInChild(path);
    expect(outcome).toBe("state/system.duckdb does not match its checksum (the file is damaged or was changed)");
    expect(growthMb).toBeLessThan(64);
  });
});

describe("only the listed plain files, once each", () => {
  const refusals: [string, () => FakeEntry[], string][] = [
    ["a path trick", () => [good()[0]!, { name: "../state/system.duckdb", body: DB }], 'it holds "../state/system.duckdb", which its manifest does not list'],
    ["an absolute path", () => [good()[0]!, { name: "/state/system.duckdb", body: DB }], 'it holds "/state/system.duckdb", which its manifest does not list'],
    ["a dot segment", () => [good()[0]!, { name: "./state/system.duckdb", body: DB }], 'it holds "./state/system.duckdb", which its manifest does not list'],
    ["a duplicate", () => [...good(), { name: "state/system.duckdb", body: DB }], 'it holds "state/system.duckdb" twice'],
    [
      "a symlink",
      () => [good()[0]!, { name: "state/system.duckdb", type: "symlink", linkname: "/etc/passwd" }],
      'its entry "state/system.duckdb" is a symlink, not a plain file',
    ],
    [
      "a hard link",
      () => [good()[0]!, { name: "state/system.duckdb", type: "link", linkname: "manifest.json" }],
      'its entry "state/system.duckdb" is a link, not a plain file',
    ],
    ["a directory", () => [good()[0]!, { name: "state/system.duckdb", type: "directory" }], 'its entry "state/system.duckdb" is a directory, not a plain file'],
    [
      "a manifest that is not first",
      () => [good()[1]!, good()[0]!],
      'it does not start with manifest.json (first entry "state/system.duckdb"); it is not an Agnes backup',
    ],
    ["a missing database", () => [good()[0]!], "state/system.duckdb is missing"],
    [
      "a key the format does not carry",
      () => [{ name: "manifest.json", body: manifestFor({ "state/system.duckdb": DB, "state/jwt-secret": "k" }) }, ...good().slice(1)],
      'its manifest lists an unexpected file "state/jwt-secret"',
    ],
    ["a huge manifest", () => [{ name: "manifest.json", zeros: 10 * 1024 * 1024 }], "its manifest.json is 10485760 bytes (at most 65536)"],
    [
      "an absurd size claim",
      () => [{ name: "manifest.json", body: manifestFor({ "state/system.duckdb": DB }).replace(`"size":${DB.length}`, `"size":${2 ** 50}`) }],
      `its manifest says state/system.duckdb is ${2 ** 50} bytes`,
    ],
  ];
  for (const [what, entries, message] of refusals) {
    test(`${what} is refused with one clear line`, async () => {
      const error = await readBackupArchive(await archive(entries())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupInvalid);
      expect((error as Error).message).toStartWith(message);
    });
  }

  test("a good archive unpacks only its listed files, with their bytes; a format-1 archive with its key still reads", async () => {
    const into = join(dir, "into");
    mkdirSync(into);
    const { files } = await readBackupArchive(await archive(good()), into);
    expect(readdirSync(into)).toEqual(["system.duckdb"]);
    expect(readFileSync(files.get("state/system.duckdb")!, "utf8")).toBe(DB);
    const v1files = { "state/system.duckdb": DB, "state/jwt-secret": "k".repeat(40) };
    const v1 = [
      { name: "manifest.json", body: manifestFor(v1files, { format_version: 1, jwt_secret: "included" }) },
      ...Object.entries(v1files).map(([name, body]) => ({ name, body })),
    ];
    expect((await readBackupArchive(await archive(v1))).manifest.format_version).toBe(1);
  });
});
