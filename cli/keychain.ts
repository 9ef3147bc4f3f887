// Secrets in the OS keychain through Bun.secrets (macOS Keychain, libsecret's Secret Service on
// Linux, Windows Credential Manager). Where none answers (a server without a desktop session, a
// container) the secret goes into the 0600 credentials file, said in one line. DA_CREDENTIAL_STORE=file
// skips the keychain on purpose (a CI runner whose keychain would prompt).
import { join } from "node:path";
import { info } from "./output";
import { sys } from "./system";

const SERVICE = "agnes-da";
// A Secret Service that is registered but never answers must not hang `da login` (D-Bus waits 25 s).
const KEYCHAIN_TIMEOUT_MS = 5_000;

const entryName = (server: string, email: string) => `${email} on ${server}`;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the keychain did not answer")), KEYCHAIN_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function keychainWanted(): boolean {
  return sys().env.DA_CREDENTIAL_STORE !== "file";
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 120);
}

/** Stores the secret; returns where it went. */
export async function saveSecret(server: string, email: string, token: string, dir: string): Promise<"keychain" | "file"> {
  if (!keychainWanted()) return "file";
  try {
    await withTimeout(Bun.secrets.set({ service: SERVICE, name: entryName(server, email), value: token }));
    return "keychain";
  } catch (error) {
    info(`note: no OS keychain to store the credential in (${reason(error)}); it is in ${join(dir, "credentials.json")} (mode 0600)`);
    return "file";
  }
}

export async function loadSecret(server: string, email: string): Promise<string | null> {
  try {
    return await withTimeout(Bun.secrets.get({ service: SERVICE, name: entryName(server, email) }));
  } catch {
    return null;
  }
}

/** Best effort: a keychain that is gone has nothing left to delete. */
export async function deleteSecret(server: string, email: string): Promise<void> {
  try {
    await withTimeout(Bun.secrets.delete({ service: SERVICE, name: entryName(server, email) }));
  } catch {
    // nothing to do
  }
}
