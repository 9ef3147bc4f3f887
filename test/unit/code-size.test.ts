// The size rules of docs/contributing.md ("Size"), checked on every run so they
// stay true: no source or test file over 300 lines, no function in the product's code over 50
// lines except JSX pages and components (views/**/*.tsx, named in PascalCase).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as ts from "typescript";

const ROOT = resolve(import.meta.dir, "../..");
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 50;

function files(dirs: string[]): string[] {
  return dirs.flatMap((dir) => [...new Bun.Glob(`${dir}/**/*.{ts,tsx}`).scanSync({ cwd: ROOT })]);
}

const lineCount = (file: string) => readFileSync(resolve(ROOT, file), "utf8").split("\n").length - 1;

type LongFunction = { where: string; name: string; lines: number };

function longFunctions(file: string): LongFunction[] {
  const text = readFileSync(resolve(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES) found.push({ where: `${file}:${first + 1}`, name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function nameOf(node: ts.Node): string {
  const own = (node as { name?: ts.Node }).name;
  if (own) return own.getText();
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText();
  return "(anonymous)";
}

const isJsxComponent = (fn: LongFunction) => fn.where.startsWith("views/") && fn.where.includes(".tsx:") && /^[A-Z]/.test(fn.name);

test("no file is over 300 lines", () => {
  const all = [...files(["src", "cli", "views", "test", "bench", "scripts"]), "build.ts"];
  expect(all.length).toBeGreaterThan(200);
  const long = all.map((file) => ({ file, lines: lineCount(file) })).filter(({ lines }) => lines > MAX_FILE_LINES);
  expect(long).toEqual([]);
});

test("no function in src, cli, views, bench or build.ts is over 50 lines, except JSX pages", () => {
  const all = [...files(["src", "cli", "views", "bench", "scripts"]), "build.ts"];
  expect(all.length).toBeGreaterThan(150);
  expect(all.flatMap(longFunctions).filter((fn) => !isJsxComponent(fn))).toEqual([]);
});
