// The deployment's `da` signing key (DA_SIGNING_KEY, default $DATA_DIR/state/da-signing-key): an
// unencrypted minisign secret key, made once (mode 0600) when missing, read by the server (its public
// half goes on /install and /cli/signing-key.pub) and by build.ts (which signs SHA256SUMS with it and
// bakes the public half into every `da`). It is never part of a backup: losing it only means the next
// build is signed by a new key, which installed `da`s refuse until reinstalled; leaking it lets anyone
// who can serve a `da` to your users sign one. Rotation (rotateSigningKey) keeps old `da`s updating.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createSecretFileOnce } from "../state-file";
import {
  formatSecretKey,
  generateSecretKey,
  keyIdHex,
  MinisignError,
  parseSecretKey,
  publicKeyBase64,
  publicKeyOf,
  signDetached,
  type SecretKey,
} from "../shared/minisign";
import { rotationComment, type ChainLink } from "../shared/release-signing";

export class SigningKeyError extends Error {}

/** DA_SIGNING_KEY, else $DATA_DIR/state/da-signing-key (the same rule for the server and build.ts). */
export function signingKeyPath(env: Record<string, string | undefined>): string {
  if (env.DA_SIGNING_KEY) return resolve(env.DA_SIGNING_KEY);
  return join(resolve(env.DATA_DIR || "./data"), "state", "da-signing-key");
}

/** The rotation chain (public: links of new keys signed by old ones) kept beside the key. */
export function chainPath(keyFile: string): string {
  return `${keyFile}.chain`;
}

function readKey(file: string): SecretKey {
  const st = statSync(file);
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
    throw new SigningKeyError(`DA_SIGNING_KEY: ${file} can be read by other users (mode ${mode}); make it private: chmod 600 ${file}`);
  }
  try {
    return parseSecretKey(readFileSync(file, "utf8"));
  } catch (error) {
    if (error instanceof MinisignError) throw new SigningKeyError(`DA_SIGNING_KEY: ${file}: ${error.message}`);
    throw error;
  }
}

/** Reads the key at `file`, making one first when there is none. */
export function loadSigningKey(file: string): SecretKey {
  if (existsSync(file)) return readKey(file);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 }); // `bun run build` before the server ever ran
    if (!createSecretFileOnce(file, formatSecretKey(generateSecretKey()))) return readKey(file);
  } catch (error) {
    throw new SigningKeyError(`DA_SIGNING_KEY: cannot write the da signing key ${file} (${(error as Error).message}); is the disk full or read-only?`);
  }
  return readKey(file);
}

export function readChain(keyFile: string): ChainLink[] {
  try {
    const chain: unknown = JSON.parse(readFileSync(chainPath(keyFile), "utf8"));
    return Array.isArray(chain) ? (chain as ChainLink[]) : [];
  } catch {
    return [];
  }
}

/**
 * Replaces the key with a new one, signed by the old: the link is appended to the chain, the old key
 * is kept as `<file>.retired-<key id>` (move it somewhere safe, or destroy it), the new one takes its
 * place by rename. Builds signed from now on use the new key; `da`s built with the old one follow the chain.
 */
export function rotateSigningKey(file: string, now = new Date()): { old: string; next: string; retired: string } {
  const old = loadSigningKey(file);
  const next = generateSecretKey();
  const publicKey = publicKeyBase64(publicKeyOf(next));
  const link: ChainLink = {
    public_key: publicKey,
    signature: signDetached(old, Buffer.from(publicKey, "utf8"), rotationComment(publicKeyOf(next), now), "a new da signing key, signed by the one before it"),
  };
  const chainFile = chainPath(file);
  writeFileSync(`${chainFile}.tmp`, `${JSON.stringify([...readChain(file), link], null, 2)}\n`);
  renameSync(`${chainFile}.tmp`, chainFile);
  const retired = `${file}.retired-${keyIdHex(old.keyId)}`;
  const staged = `${file}.next`;
  // Durable before the old key moves: a crash must never leave the deployment without a usable key.
  if (!createSecretFileOnce(staged, formatSecretKey(next))) {
    throw new SigningKeyError(`DA_SIGNING_KEY: ${staged} is left from an interrupted rotation; remove it and rotate again`);
  }
  renameSync(file, retired);
  renameSync(staged, file);
  return { old: keyIdHex(old.keyId), next: keyIdHex(next.keyId), retired };
}
