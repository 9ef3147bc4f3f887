// The command table. The top level names each area and where its code is; the area's module loads
// only when a command in it runs (or help, completions, a test walk the whole tree), so `da
// --version` and `da --help` start without parsing the code of every command.
import type { FlagSpec } from "./args";
import type { Command, Group, Lazy, Node } from "./command";

const lazy = (name: string, summary: string, load: () => Promise<Command | Group>, group = false): Lazy => ({ kind: "lazy", name, summary, group, load });

export const ROOT: Group = {
  kind: "group",
  name: "da",
  summary: "da — the Agnes command-line client: sign in, query and sync data, manage tokens and users.",
  children: [
    lazy("login", "Sign in to an Agnes server and store the credential", async () => (await import("./commands/login")).login),
    lazy("logout", "Sign out: end the session on the server and forget the stored credential", async () => (await import("./commands/login")).logout),
    lazy("query", "Run a SELECT on the server's datasets and print the rows", async () => (await import("./commands/query")).queryCommand),
    lazy("sync", "Download the datasets that changed, as Parquet files", async () => (await import("./commands/sync")).syncCommand),
    lazy("auth", "Your sign-ins, stored accounts and personal access tokens", async () => (await import("./commands/auth")).authGroup, true),
    lazy("admin", "Manage users and everyone's tokens (admin role)", async () => (await import("./commands/admin")).adminGroup, true),
    lazy("version", "Show da's version and, when reachable, the server's", async () => (await import("./commands/version")).versionCommand),
    lazy(
      "update",
      "Replace this da with the newest one the server offers (signature verified, kept as da.previous)",
      async () => (await import("./commands/update")).updateCommand,
    ),
    lazy("completion", "Print a shell completion script: bash, zsh, fish or powershell", async () =>
      (await import("./commands/completion")).completionCommand(() => loadTree()),
    ),
  ],
};

/** Flags of `da` itself (beside the global ones). */
export const ROOT_FLAGS: FlagSpec = { version: { type: "boolean", short: "v", description: "print da's version, and the server's when reachable" } };

// These work whatever the server's version floor: they are how an old da gets current (or leaves).
export const ANY_SERVER_VERSION: ReadonlySet<string> = new Set(["da update", "da version", "da logout", "da completion"]);

/** The node itself, its module loaded. */
export async function resolve(node: Node): Promise<Command | Group> {
  return node.kind === "lazy" ? node.load() : node;
}

/** Every node loaded, for help-free walks: completions and the test that checks every command. */
export async function loadTree(group: Group = ROOT): Promise<Group> {
  const children = await Promise.all(
    group.children.map(async (child) => {
      const node = await resolve(child);
      return node.kind === "group" ? loadTree(node) : node;
    }),
  );
  return { ...group, children };
}
