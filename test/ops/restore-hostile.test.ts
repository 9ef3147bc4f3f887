// `restore` refuses a hostile archive (here a 1 GiB run of zeros the manifest does not list, about
// 1 MB on disk) with one line and exit 1, quickly, and leaves DATA_DIR exactly as it was.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServerCommand } from "../helpers/ops";
import { manifestFor, writeArchive } from "../helpers/hostile-archive";

const dir = mkdtempSync(join(tmpdir(), "agnes-restore-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("an archive with an unlisted 1 GiB entry is refused in one line; DATA_DIR is untouched", async () => {
  const bomb = join(dir, "bomb.tar.gz");
  const db = "not really a database";
  await writeArchive(bomb, [
    // Format 1 (which restore still reads), so the same archive exercises the reader before this fix too.
    { name: "manifest.json", body: manifestFor({ "state/system.duckdb": db }, { format_version: 1 }) },
    { name: "state/system.duckdb", body: db },
    { name: "state/extra", zeros: 1024 ** 3 },
  ]);
  const dataDir = join(dir, "data");
  mkdirSync(join(dataDir, "state"), { recursive: true });
  writeFileSync(join(dataDir, "state", "jwt-secret"), "k".repeat(40));
  const started = performance.now();
  const refused = await runServerCommand(["restore", bomb, "--replace"], { DATA_DIR: dataDir });
  expect(refused.code).toBe(1);
  expect(refused.stdout).toBe("");
  expect(refused.stderr.trim()).toBe(`agnes: cannot restore ${bomb}: it holds "state/extra", which its manifest does not list`);
  expect(performance.now() - started).toBeLessThan(20_000);
  expect(readdirSync(dataDir)).toEqual(["state"]);
  expect(readdirSync(join(dataDir, "state"))).toEqual(["jwt-secret"]);
  expect(readFileSync(join(dataDir, "state", "jwt-secret"), "utf8")).toBe("k".repeat(40));
});
