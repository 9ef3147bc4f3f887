// `da completion bash|zsh|fish|powershell`: a completion script generated from the command table
// (cli/tree.ts), so a new command or flag completes without touching this file. Each script knows
// every command path and, per path, the words that may follow: subcommands (and ls/rm), then flags.
import { GLOBAL_FLAGS } from "../args";
import { ALIASES, type Command, type Group } from "../command";
import type { Context } from "../context";
import { UsageError } from "../errors";
import { printLine } from "../output";

const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
type Table = Map<string, string[]>;

function flagWords(flags: Command["flags"] = {}): string[] {
  return Object.keys({ ...GLOBAL_FLAGS, ...flags }).map((name) => `--${name}`);
}

/** path ("da auth token") → the words that may come next there. */
function table(group: Group, path = "da", out: Table = new Map()): Table {
  const names = group.children.map((child) => child.name);
  const aliases = Object.keys(ALIASES).filter((alias) => ALIASES[alias]!.some((target) => names.includes(target)));
  out.set(path, [...names, ...aliases, ...flagWords(group.default?.flags), ...(path === "da" ? ["--version"] : [])]);
  for (const child of group.children) {
    if (child.kind === "group") table(child, `${path} ${child.name}`, out);
    else if (child.kind === "command") out.set(`${path} ${child.name}`, flagWords(child.flags));
  }
  for (const alias of aliases) {
    const target = ALIASES[alias]!.find((name) => names.includes(name))!;
    out.set(`${path} ${alias}`, out.get(`${path} ${target}`) ?? []);
  }
  return out;
}

function bash(words: Table): string {
  const paths = [...words.keys()].filter((path) => path !== "da");
  return `# da completion for bash: eval "$(da completion bash)" (e.g. in ~/.bashrc)
_da() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="da" i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "$path \${COMP_WORDS[i]}" in
      ${paths.map((path) => `"${path}"`).join("|")}) path="$path \${COMP_WORDS[i]}" ;;
    esac
  done
  case "$path" in
${[...words].map(([path, next]) => `    "${path}") words="${next.join(" ")}" ;;`).join("\n")}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _da da
`;
}

function zsh(words: Table): string {
  return `#compdef da
# da completion for zsh: da completion zsh > "\${fpath[1]}/_da" (or eval it in ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${bash(words).split("\n").slice(1).join("\n")}`;
}

function fish(words: Table): string {
  const lines = [
    "# da completion for fish: da completion fish > ~/.config/fish/completions/da.fish",
    "function __da_path",
    "    set -l path da",
    "    for word in (commandline -opc)[2..-1]",
    `        if contains -- "$path $word" ${[...words.keys()].map((path) => `'${path}'`).join(" ")}`,
    '            set path "$path $word"',
    "        end",
    "    end",
    "    echo $path",
    "end",
    "complete -c da -f",
  ];
  for (const [path, next] of words) lines.push(`complete -c da -n 'test (__da_path) = "${path}"' -a '${next.join(" ")}'`);
  return `${lines.join("\n")}\n`;
}

function powershell(words: Table): string {
  const entries = [...words].map(([path, next]) => `    '${path}' = @(${next.map((word) => `'${word}'`).join(", ")})`);
  return `# da completion for PowerShell: da completion powershell | Out-String | Invoke-Expression (e.g. in $PROFILE)
Register-ArgumentCompleter -Native -CommandName da -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $table = @{
${entries.join("\n")}
  }
  $path = 'da'
  foreach ($element in $commandAst.CommandElements | Select-Object -Skip 1) {
    if ($element.Extent.EndOffset -ge $cursorPosition) { break }
    if ($table.ContainsKey("$path $element")) { $path = "$path $element" }
  }
  $table[$path] | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}

const GENERATORS = { bash, zsh, fish, powershell } as const;

/** The command, given how to load the whole table (cli/tree.ts passes it: no import cycle). */
export const completionCommand = (loadTree: () => Promise<Group>): Command => ({
  kind: "command",
  name: "completion",
  summary: "Print a shell completion script: bash, zsh, fish or powershell",
  description: [
    '  bash:        eval "$(da completion bash)"            (in ~/.bashrc)',
    '  zsh:         eval "$(da completion zsh)"             (in ~/.zshrc)',
    "  fish:        da completion fish > ~/.config/fish/completions/da.fish",
    "  powershell:  da completion powershell | Out-String | Invoke-Expression   (in $PROFILE)",
  ].join("\n"),
  args: `<${SHELLS.join("|")}>`,
  minArgs: 1,
  maxArgs: 1,
  async run(ctx: Context) {
    const shell = ctx.args[0]!;
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`unknown shell "${shell}"`, `choose one of ${SHELLS.join(", ")}`);
    const script = GENERATORS[shell as keyof typeof GENERATORS](table(await loadTree()));
    printLine(script.trimEnd());
  },
});
