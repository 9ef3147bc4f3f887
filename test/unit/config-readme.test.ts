// The README's configuration tables and the settings the server reads are one list: a setting
// declared in src/config/settings.ts (or a provider's OIDC_<ID>_* in src/config/sso.ts) but missing
// from the README fails, and so does a documented name the server does not know.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SETTINGS } from "../../src/config";
import { SSO_PROVIDER_SETTINGS } from "../../src/config/sso";

const README = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
const TABLES = ["## Configuration (environment)", "## Single sign-on (OpenID Connect)"];

/** The names in the first column of a section's table rows; `_X` after `OIDC_<ID>_Y` means `OIDC_<ID>_X`. */
function documentedIn(heading: string): string[] {
  const start = README.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = README.indexOf("\n## ", start + heading.length);
  const names: string[] = [];
  for (const line of README.slice(start, end < 0 ? undefined : end).split("\n")) {
    if (!line.startsWith("| `")) continue;
    const firstCell = line.split("|")[1]!;
    for (const [, name] of firstCell.matchAll(/`([A-Z_][A-Z0-9_<>*]*)`/g)) {
      if (name!.endsWith("*")) continue; // a pointer to another table (`OIDC_<ID>_*`)
      names.push(name!.startsWith("_") ? `OIDC_<ID>${name}` : name!);
    }
  }
  return names;
}

test("every setting the server reads is in the README's tables, and every name there is a setting", () => {
  const documented = new Set(TABLES.flatMap(documentedIn));
  const declared = new Set([...Object.keys(SETTINGS), ...SSO_PROVIDER_SETTINGS.map((s) => `OIDC_<ID>_${s}`)]);
  expect([...declared].filter((name) => !documented.has(name)).sort()).toEqual([]);
  expect([...documented].filter((name) => !declared.has(name)).sort()).toEqual([]);
});
