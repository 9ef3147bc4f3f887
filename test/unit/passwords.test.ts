// Production's password cost is fixed in code: a context built without an explicit cost (as the
// server builds it) hashes with argon2id at m=64 MiB, t=2, and no environment variable changes that.
import { expect, test } from "bun:test";
import { PasswordHasher, PRODUCTION_PASSWORD_COST } from "../../src/auth/passwords";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { createContext } from "../../src/context";
import { Database } from "../../src/db/database";
import { migrate } from "../../src/db/migrate";
import { createMemoryLogger } from "../../src/log";
import { TEST_PASSWORD_COST } from "../helpers/app";

test("the production hasher is argon2id at 64 MiB and two passes", async () => {
  expect(PRODUCTION_PASSWORD_COST).toEqual({ memoryCost: 65_536, timeCost: 2 });
  const hash = await new PasswordHasher().hash("a password of some length");
  expect(hash).toStartWith("$argon2id$v=19$m=65536,t=2,p=1$");
  expect(await new PasswordHasher().verify("a password of some length", hash)).toBe(true);
});

test("a context built as the server builds it hashes at production cost, whatever the environment says", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "agnes-pw-"));
  const config = loadConfig({ DATA_DIR: dataDir, PASSWORD_COST: "cheap", ARGON2_MEMORY_COST: "64", ARGON2_TIME_COST: "1" });
  const db = await Database.open(join(config.stateDir, "system.duckdb"));
  await migrate(db);
  try {
    const ctx = await createContext({ config, db, clock: new FakeClock(), log: createMemoryLogger(), commit: "test" });
    expect(ctx.passwords.cost).toEqual(PRODUCTION_PASSWORD_COST);
    expect(await ctx.passwords.hash("pw-123456")).toStartWith("$argon2id$v=19$m=65536,t=2,p=1$");
    await ctx.activity.stop();
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a hash made at one cost verifies with a hasher of another (the parameters travel in the hash)", async () => {
  const cheap = await new PasswordHasher(TEST_PASSWORD_COST).hash("pw-123456");
  expect(await new PasswordHasher().verify("pw-123456", cheap)).toBe(true);
  expect(await new PasswordHasher().verify("pw-1234567", cheap)).toBe(false);
  expect(await new PasswordHasher(TEST_PASSWORD_COST).verify("pw-123456", null)).toBe(false);
});
