// Dead code and doubled definitions in the product's code (src/, cli/, views/), checked on every run:
// a contract type nobody uses stops matching its route unnoticed (`Readiness` outlived the /ready it
// described), a module only a test imports is not part of the product (`tokens/state.ts`), an export
// nothing reads is noise (`App`), and a shared fact defined twice (MIN_PASSWORD_LENGTH) can drift apart.
import { expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import * as ts from "typescript";

const ROOT = resolve(import.meta.dir, "../..");
const PRODUCT = ["src", "cli", "views"];
// Where the product starts: the server, `da`, the build and the scripts package.json runs.
const ENTRY_POINTS = ["src/server.ts", "cli/main.ts"];
const OTHER_IMPORTERS = ["build.ts", "scripts"];

const glob = (dir: string) => [...new Bun.Glob(`${dir}/**/*.{ts,tsx}`).scanSync({ cwd: ROOT })];
const product = PRODUCT.flatMap(glob);
const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");

/** The product files a file imports (relative specifiers, static and dynamic), as root-relative paths. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(read(file), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith("."))
    .flatMap((name) => {
      const base = resolve(ROOT, dirname(file), name);
      const found = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"].map((ext) => base + ext).find((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
      return found ? [relative(ROOT, found)] : [];
    });
}

/** The names a file exports by declaration (`export const|function|type|interface|class NAME`). */
function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement)) &&
      statement.name
    ) {
      names.push(statement.name.text);
    }
  }
  return names;
}

test("every module of the product is imported by the product (or is where it starts)", () => {
  const importers = [...product, ...OTHER_IMPORTERS.flatMap((p) => (p.endsWith(".ts") ? [p] : glob(p)))];
  const imported = new Set(importers.flatMap(importsOf));
  const orphans = product.filter((file) => !imported.has(file) && !ENTRY_POINTS.includes(file));
  expect(orphans).toEqual([]);
});

test("every export of the shared contract is used by the server, da or a page", () => {
  const contract = "src/shared/contract.ts";
  const contractText = read(contract);
  const others = product.filter((f) => f !== contract).map(read);
  const unused = exportedNames(contract).filter((name) => {
    const word = new RegExp(`\\b${name}\\b`, "g");
    // Used inside the contract (another shared type is built from it) or anywhere else.
    return (contractText.match(word) ?? []).length < 2 && !others.some((text) => word.test(text));
  });
  expect(unused).toEqual([]);
});

test("every export of the product is used somewhere: the product, a test, a benchmark or its own module", () => {
  // This file names the dead code it once found: it does not count as a use.
  const self = relative(ROOT, import.meta.path);
  const everything = new Map([...product, ...["test", "bench", "scripts"].flatMap(glob), "build.ts"].filter((f) => f !== self).map((f) => [f, read(f)]));
  const unused = product.flatMap((file) =>
    exportedNames(file)
      .filter((name) => {
        const word = new RegExp(`\\b${name}\\b`, "g");
        return (everything.get(file)!.match(word) ?? []).length < 2 && ![...everything].some(([other, text]) => other !== file && word.test(text));
      })
      .map((name) => `${file}: ${name}`),
  );
  expect(unused).toEqual([]);
});

test("no shared constant (an exported UPPER_CASE name) is defined in two modules of the product", () => {
  const where = new Map<string, string[]>();
  for (const file of product) {
    for (const name of exportedNames(file).filter((n) => /^[A-Z][A-Z0-9_]+$/.test(n))) where.set(name, [...(where.get(name) ?? []), file]);
  }
  const doubled = [...where].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(", ")}`);
  expect(doubled).toEqual([]);
});
