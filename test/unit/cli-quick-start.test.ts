// `da --help` and `da --version` start as fast as a compiled hello-world only while the entry loads
// nothing but itself and tiny chunks of our own: one node:fs import costs about a third of the whole
// start-up (bench/cli-startup.ts). This walks the static imports of da's entry chunk, bundled as
// scripts/build-cli.ts bundles it (code splitting), and fails on any runtime module among them.
import { expect, test } from "bun:test";
import { basename, join } from "node:path";

const ENTRY = join(import.meta.dir, "../../cli/main.ts");

async function bundle(): Promise<Map<string, string>> {
  const result = await Bun.build({ entrypoints: [ENTRY], splitting: true, format: "esm", target: "bun", throw: true });
  const chunks = new Map<string, string>();
  for (const output of result.outputs) chunks.set(basename(output.path), await output.text());
  return chunks;
}

/** Every module the entry chunk loads before it runs: static imports, followed through our chunks. */
function staticImports(chunks: Map<string, string>, name: string, seen = new Set<string>()): Set<string> {
  const code = chunks.get(name) ?? "";
  for (const [, specifier] of code.matchAll(/^\s*import\s*(?:[^"'()]*?\sfrom\s*)?["']([^"']+)["']/gm)) {
    if (seen.has(specifier!)) continue;
    seen.add(specifier!);
    if (specifier!.startsWith("./")) staticImports(chunks, basename(specifier!), seen);
  }
  return seen;
}

test("da's entry chunk loads no runtime module (node:fs, node:path …) before answering --help or --version", async () => {
  const chunks = await bundle();
  const imports = [...staticImports(chunks, "main.js")];
  expect(imports.length).toBeGreaterThan(0); // the walk reads real import lines (build-info, config-path)
  expect(imports.filter((specifier) => !specifier.startsWith("./"))).toEqual([]);
});
