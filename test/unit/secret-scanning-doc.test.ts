// docs/secret-scanning.md's gitleaks regex and Python checksum check, run against real tokens and
// near misses, so the page cannot drift from src/auth/pat-format.ts.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { generatePat } from "../../src/auth/pat-format";

const page = await Bun.file(join(import.meta.dir, "../../docs/secret-scanning.md")).text();
const FENCE = "```";
const block = (lang: string) => new RegExp(`${FENCE}${lang}\\n([\\s\\S]*?)${FENCE}`).exec(page)![1]!;

const real = Array.from({ length: 50 }, () => generatePat());
const mangled = real.map((token, i) => {
  const at = 10 + (i % 38);
  const swapped = token[at] === "a" ? "b" : "a";
  return token.slice(0, at) + swapped + token.slice(at + 1);
});

test("the gitleaks regex finds real tokens in text", () => {
  const regex = new RegExp(/regex = '''(.*)'''/.exec(block("toml"))![1]!, "g");
  const text = real.map((token) => `export DA_TOKEN=${token} # ci`).join("\n");
  expect([...text.matchAll(regex)].map((m) => m[1])).toEqual(real);
});

test("the Python check prints every real token and no mangled one", () => {
  const run = Bun.spawnSync(["python3", "-c", block("python")], { stdin: Buffer.from([...real, ...mangled, "agnes_pat_short"].join("\n")) });
  expect(run.exitCode).toBe(0);
  expect(run.stdout.toString().trim().split("\n")).toEqual(real);
});
