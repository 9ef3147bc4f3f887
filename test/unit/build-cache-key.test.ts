// The test binary of `da` is rebuilt when the CLI's sources change: the cache key must read them.
import { expect, test } from "bun:test";
import { cliSources } from "../helpers/build-cache";

test("the da build cache key covers the CLI's and shared sources, nested folders included", () => {
  const sources = cliSources();
  expect(sources).toContain("cli/main.ts");
  expect(sources).toContain("cli/commands/login-password.ts");
  expect(sources).toContain("src/shared/contract.ts");
});
