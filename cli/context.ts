// Which server and which credential a command uses. First match wins:
//   credential: --token, DA_TOKEN, the server's active stored account (cli/credentials.ts)
//   server:     --server, DA_SERVER, config.yml `server:` (the active server)
import { Api } from "./api";
import { readConfig } from "./config";
import { accountToken, findAccount, listAccounts, type StoredAccount } from "./credentials";
import { UsageError } from "./errors";
import { sys } from "./system";

export type CredentialSource = "flag" | "env" | "stored";

export type Credential = {
  /** The secret; a stored one may come from the OS keychain, so it is read only when sent. */
  secret(): Promise<string>;
  source: CredentialSource;
  /** The stored account it came from (source "stored"). */
  account?: StoredAccount;
  /** Known for stored credentials; for --token / DA_TOKEN the server tells us (GET /auth/me). */
  kind: "session" | "pat" | null;
  expires_at: string | null;
};

export type ServerSource = "flag" | "env" | "config";
export type ResolvedServer = { url: string; source: ServerSource };

export function normalizeServer(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new UsageError(`not a server URL: ${raw}`, "use the full URL, e.g. https://agnes.example.com");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`not a server URL: ${raw}`, "the URL must start with http:// or https://");
  }
  return trimmed;
}

export function resolveServer(flagServer: string | undefined): ResolvedServer | null {
  if (flagServer) return { url: normalizeServer(flagServer), source: "flag" };
  const { DA_SERVER } = sys().env;
  if (DA_SERVER) return { url: normalizeServer(DA_SERVER), source: "env" };
  const configured = readConfig().server;
  if (configured) return { url: normalizeServer(configured), source: "config" };
  // A credentials file without config.yml (copied over, or written by hand): its one server.
  const stored = listAccounts();
  return stored.length === 1 ? { url: stored[0]!.server, source: "config" } : null;
}

export function givenCredential(token: string, source: CredentialSource): Credential {
  return { secret: async () => token, source, kind: null, expires_at: null };
}

export function storedCredential(account: StoredAccount): Credential {
  return { secret: () => accountToken(account), source: "stored", account, kind: account.kind, expires_at: account.expires_at };
}

export function resolveCredential(flagToken: string | undefined, server: string | null): Credential | null {
  if (flagToken) return givenCredential(flagToken, "flag");
  const { DA_TOKEN } = sys().env;
  if (DA_TOKEN) return givenCredential(DA_TOKEN, "env");
  const stored = server ? findAccount(server) : null;
  return stored ? storedCredential(stored) : null;
}

export const NO_SERVER_HINT = "run `da login --server <url>`, or set DA_SERVER";

/** What every command gets: its parsed input plus lazy access to the server. */
export class Context {
  constructor(
    readonly args: string[],
    readonly flags: Record<string, string | boolean | string[] | undefined>,
  ) {}

  get json(): boolean {
    return this.flags.json === true;
  }

  flag(name: string): string | undefined {
    const value = this.flags[name];
    return typeof value === "string" ? value : undefined;
  }

  /** A flag given any number of times (`multiple`), in the order given; [] when absent. */
  flagList(name: string): string[] {
    const value = this.flags[name];
    return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  }

  /** `--limit`/`--offset` as the API's query; how large a page may be is the server's to say. */
  paging(): { limit?: number; offset: number } {
    const [limit, offset] = (["limit", "offset"] as const).map((name) => {
      const value = this.flag(name);
      if (value !== undefined && !/^\d{1,9}$/.test(value)) throw new UsageError(`--${name} must be a whole number, not "${value}"`);
      return value === undefined ? undefined : Number(value);
    });
    return { limit, offset: offset ?? 0 };
  }

  server(): ResolvedServer | null {
    return resolveServer(this.flag("server"));
  }

  requireServer(): ResolvedServer {
    const server = this.server();
    if (!server) throw new UsageError("no server configured", NO_SERVER_HINT);
    return server;
  }

  /** A client for the resolved server, sending the resolved credential (if any). */
  api(): Api {
    const server = this.requireServer();
    return new Api(server.url, resolveCredential(this.flag("token"), server.url));
  }
}
