// The command table walked as a whole: every command that prints takes --json and answers a usage
// error in JSON; did-you-mean for commands and flags; ls/rm; completions a real bash loads.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command, Group } from "../../cli/command";
import { loadTree, ROOT } from "../../cli/tree";
import { cleanupSandboxes, daBinary, runDa, sandbox } from "../helpers/cli";

beforeAll(async () => {
  await daBinary();
});
afterAll(() => cleanupSandboxes());

// Prints a shell script: JSON of it would help no one.
const NO_JSON = new Set(["da completion"]);

function commands(group: Group, path = "da"): [string, Command][] {
  return group.children.flatMap((child): [string, Command][] => {
    if (child.kind === "group")
      return [...(child.default ? ([[`${path} ${child.name}`, child.default]] as [string, Command][]) : []), ...commands(child, `${path} ${child.name}`)];
    return child.kind === "command" ? [[`${path} ${child.name}`, child]] : [];
  });
}

describe("the command table", () => {
  test("every command takes --json, and a usage error under --json is {error, hint} on stderr, stdout empty", async () => {
    const tree = await loadTree();
    const all = commands(tree);
    expect(all.length).toBeGreaterThan(40);
    expect(all.filter(([path, command]) => !NO_JSON.has(path) && !command.flags?.json).map(([path]) => path)).toEqual([]);
    const box = sandbox();
    const results = await Promise.all(
      all
        .filter(([path]) => !NO_JSON.has(path))
        .map(async ([path]) => [path, await runDa([...path.split(" ").slice(1), "--json", "--no-such-flag"], { env: box.env })] as const),
    );
    for (const [path, result] of results) {
      expect({ path, code: result.code, stdout: result.stdout, body: JSON.parse(result.stderr) }).toEqual({
        path,
        code: 2,
        stdout: "",
        body: { error: "unknown flag --no-such-flag", hint: `run \`${path} --help\`` },
      });
    }
  });

  test("the top level's summaries are the loaded commands' own", async () => {
    const tree = await loadTree();
    expect(ROOT.children.map((c) => [c.name, c.summary])).toEqual(tree.children.map((c) => [c.name, c.summary]));
  });
});

describe("did you mean", () => {
  test.each([
    [["auht", "status"], 'unknown command "auht"', "hint: did you mean `da auth`?"],
    [["auth", "swich"], 'unknown command "auth swich"', "hint: did you mean `da auth switch`?"],
    [["admin", "list-user"], 'unknown command "admin list-user"', "hint: did you mean `da admin list-users`?"],
    [["auth", "whoami", "--jsn"], "unknown flag --jsn", "hint: did you mean --json?"],
    [["login", "--passwrd-stdin"], "unknown flag --passwrd-stdin", "hint: did you mean --password-stdin?"],
  ])("%p", async (args, error, hint) => {
    const result = await runDa(args, { env: sandbox().env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: ${error}\n${hint}\n`);
  });

  test("nothing close: the help hint", async () => {
    const result = await runDa(["frobnicate"], { env: sandbox().env });
    expect(result.stderr).toBe('error: unknown command "frobnicate"\nhint: run `da --help`\n');
  });

  test("ls and rm are list and revoke/delete", async () => {
    const env = sandbox().env;
    const ls = await runDa(["auth", "token", "ls", "--help"], { env });
    expect(ls.stdout).toStartWith("Usage: da auth token list");
    const rm = await runDa(["admin", "tokens", "rm", "--help"], { env });
    expect(rm.stdout).toStartWith("Usage: da admin tokens revoke <id|prefix|name>");
  });
});

describe("da completion", () => {
  test("a real bash loads the bash script and completes `da au<TAB>` and `da auth s<TAB>`", async () => {
    const box = sandbox();
    const script = await runDa(["completion", "bash"], { env: box.env });
    expect(script.code).toBe(0);
    const file = join(box.home, "da.bash");
    writeFileSync(file, script.stdout);
    const probe = [
      `source ${file}`,
      "complete -p da",
      'COMP_WORDS=(da au); COMP_CWORD=1; _da; echo "1:${COMPREPLY[*]}"',
      'COMP_WORDS=(da auth s); COMP_CWORD=2; _da; echo "2:${COMPREPLY[*]}"',
      'COMP_WORDS=(da auth token ls --j); COMP_CWORD=4; _da; echo "3:${COMPREPLY[*]}"',
    ].join("\n");
    const bash = Bun.spawnSync(["bash", "--noprofile", "--norc", "-c", probe], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
    expect(bash.stderr.toString()).toBe("");
    expect(bash.stdout.toString()).toBe("complete -F _da da\n1:auth\n2:status switch\n3:--json\n");
  });

  test.each(["zsh", "fish", "powershell"])("%s: a script naming every top-level command", async (shell) => {
    const result = await runDa(["completion", shell], { env: sandbox().env });
    expect(result.code).toBe(0);
    for (const name of ["login", "auth", "admin", "completion", "--json"]) expect(result.stdout).toContain(name);
  });

  test("an unknown shell is a usage error", async () => {
    const result = await runDa(["completion", "tcsh"], { env: sandbox().env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: unknown shell "tcsh"');
  });
});
