// The stored sign-ins: per server, any number of accounts, one of them active (as `gh` keeps
// hosts and users). `credentials.json` (mode 0600) holds what each sign-in is; the secret itself
// sits in the OS keychain (cli/keychain.ts) and only falls back into this file where no keychain
// service runs. The file of a da before this layout (one `{server, token, …}`) is read as one
// account and rewritten in the new layout the next time anything is stored.
import { readFileSync, rmSync } from "node:fs";
import { configDir, credentialsFile, writeAtomically } from "./config";
import { deleteSecret, loadSecret, saveSecret } from "./keychain";
import { CliError } from "./errors";

export type SignInMethod = "web" | "device" | "password" | "token";

export type StoredAccount = {
  server: string;
  email: string;
  kind: "session" | "pat";
  expires_at: string | null;
  /** How this account signed in (absent for a credential stored by an older da). */
  method?: SignInMethod;
  /** "keychain": the secret is in the OS keychain; "file": `token` holds it. */
  stored_in: "keychain" | "file";
  token?: string;
};

type ServerEntry = { active: string; accounts: Record<string, StoredAccount> };
type Store = { version: 2; servers: Record<string, ServerEntry> };

const emptyStore = (): Store => ({ version: 2, servers: {} });

/** One URL spelling per server, so `https://a/` and `https://a` are the same entry. */
export function serverKey(url: string): string {
  try {
    return new URL(url.trim().replace(/\/+$/, "")).href.replace(/\/+$/, "");
  } catch {
    return url;
  }
}

function fromV1(parsed: Record<string, unknown>): Store {
  const store = emptyStore();
  if (typeof parsed.server !== "string" || typeof parsed.token !== "string") return store;
  const email = typeof parsed.email === "string" ? parsed.email : "";
  const account: StoredAccount = {
    server: serverKey(parsed.server),
    email,
    kind: parsed.kind === "pat" ? "pat" : "session",
    expires_at: typeof parsed.expires_at === "string" ? parsed.expires_at : null,
    stored_in: "file",
    token: parsed.token,
  };
  store.servers[account.server] = { active: email, accounts: { [email]: account } };
  return store;
}

export function readStore(): Store {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(credentialsFile(), "utf8"));
  } catch {
    return emptyStore();
  }
  if (!parsed || typeof parsed !== "object") return emptyStore();
  const record = parsed as Record<string, unknown>;
  if (record.version !== 2) return fromV1(record);
  const servers = record.servers && typeof record.servers === "object" ? (record.servers as Store["servers"]) : {};
  return { version: 2, servers };
}

function writeStore(store: Store): void {
  const servers = Object.fromEntries(Object.entries(store.servers).filter(([, entry]) => Object.keys(entry.accounts).length > 0));
  if (Object.keys(servers).length === 0) return void rmSync(credentialsFile(), { force: true });
  writeAtomically(credentialsFile(), `${JSON.stringify({ version: 2, servers }, null, 2)}\n`, 0o600);
}

/** Every stored account, server by server, in the order they were stored. */
export function listAccounts(): { server: string; active: string; accounts: StoredAccount[] }[] {
  return Object.entries(readStore().servers).map(([server, entry]) => ({ server, active: entry.active, accounts: Object.values(entry.accounts) }));
}

/** The active account of a server (or the named one); null when none is stored. */
export function findAccount(server: string, email?: string): StoredAccount | null {
  const entry = readStore().servers[serverKey(server)];
  if (!entry) return null;
  return entry.accounts[email ?? entry.active] ?? null;
}

/** The secret of a stored account, wherever it is kept. */
export async function accountToken(account: StoredAccount): Promise<string> {
  if (account.stored_in === "file" && account.token) return account.token;
  const token = await loadSecret(account.server, account.email);
  if (!token) {
    throw new CliError(
      `the credential for ${account.email} on ${account.server} is missing from the OS keychain`,
      `run \`da login --server ${account.server}\``,
    );
  }
  return token;
}

export type NewAccount = Omit<StoredAccount, "stored_in" | "token" | "server"> & { server: string; token: string };

/** Stores (or replaces) an account and makes it the server's active one; says where the secret went. */
export async function storeAccount(input: NewAccount): Promise<StoredAccount> {
  const server = serverKey(input.server);
  const where = await saveSecret(server, input.email, input.token, configDir());
  const { token, ...rest } = input;
  const account: StoredAccount = { ...rest, server, stored_in: where, ...(where === "file" ? { token } : {}) };
  const store = readStore();
  const entry = (store.servers[server] ??= { active: input.email, accounts: {} });
  const previous = entry.accounts[input.email];
  entry.accounts[input.email] = account;
  entry.active = input.email;
  writeStore(store);
  // A secret that moved from the keychain into the file (or back) must not stay behind.
  if (previous?.stored_in === "keychain" && where === "file") await deleteSecret(server, input.email);
  return account;
}

/** Makes a stored account the active one of its server. */
export function activate(account: StoredAccount): void {
  const store = readStore();
  const entry = store.servers[serverKey(account.server)];
  if (!entry?.accounts[account.email]) return;
  entry.active = account.email;
  writeStore(store);
}

/** Forgets an account (and its keychain entry); returns the account now active on that server, if any. */
export async function forgetAccount(account: StoredAccount): Promise<StoredAccount | null> {
  const store = readStore();
  const server = serverKey(account.server);
  const entry = store.servers[server];
  if (!entry) return null;
  delete entry.accounts[account.email];
  const next = entry.active === account.email ? Object.values(entry.accounts)[0] : entry.accounts[entry.active];
  if (next) entry.active = next.email;
  writeStore(store);
  if (account.stored_in === "keychain") await deleteSecret(server, account.email);
  return next ?? null;
}
