// Finds the live token a presented secret (a PAT, an OAuth access token) stands for. A token is
// stored and found by the SHA-256 of its value (pat-format.ts): a forged or mistyped one is simply
// not found, and no stored secret is compared with it. On the running server that one hash cost about
// 2.4 µs of a PAT request's 28 (five fresh pairs of servers, each 1.6–3.6 µs cheaper without it),
// though a loop hashing the same value measures 0.2 µs: between two requests the hashing code is
// likely no longer in the CPU's caches.
//
// So the hashes of secrets that recently found a live token are kept (bounded; least recently used
// dropped first). An entry is found by a 32-bit hash of the secret under a seed drawn at start, which
// no client knows, so no client can aim a request at an entry; the whole secret is then compared in
// constant time (sameSecretOfKnownLength), so an entry answers only for exactly its own secret. Only
// secrets of their format's fixed, public length get here (principal.ts checks it first), so the
// comparison's early answer for unequal lengths tells nothing secret.
// Whether the token still works is decided by the look-up every time: a revoked, rotated-out or
// expired token is not found by its hash whether or not the hash came from here, and its entry is
// dropped. Like the session signer's cache of checked tokens, this keeps secrets in memory only.
import { LRUCache } from "lru-cache";
import { sameSecretOfKnownLength } from "../shared/signing";
import { hashSecret } from "./pat-format";

const DEFAULT_SIZE = 10_000;

type Entry = { secret: string; hash: string };
export type RecentSecretsOptions = {
  size?: number;
  /** The entry's key for a secret (a seeded 32-bit hash by default); tests pass one that collides. */
  keyOf?: (secret: string) => number;
  /** SHA-256 (hex) by default; tests count the calls. */
  hash?: (secret: string) => string;
};

export class RecentSecrets {
  readonly #recent: LRUCache<number, Entry>;
  readonly #keyOf: (secret: string) => number;
  readonly #hash: (secret: string) => string;

  constructor(options: RecentSecretsOptions = {}) {
    this.#recent = new LRUCache({ max: options.size ?? DEFAULT_SIZE });
    this.#keyOf = options.keyOf ?? seededKey();
    this.#hash = options.hash ?? hashSecret;
  }

  /** What `lookUp` finds under the secret's hash; the hash is computed only for a secret not seen working lately. */
  find<T>(secret: string, lookUp: (hash: string) => T | undefined): T | undefined {
    const key = this.#keyOf(secret);
    const recent = this.#recent.get(key);
    if (recent !== undefined && sameSecretOfKnownLength(secret, recent.secret)) {
      const found = lookUp(recent.hash);
      if (found === undefined) this.#recent.delete(key);
      return found;
    }
    const hash = this.#hash(secret);
    const found = lookUp(hash);
    if (found !== undefined) this.#recent.set(key, { secret, hash });
    return found;
  }

  get size(): number {
    return this.#recent.size;
  }
}

function seededKey(): (secret: string) => number {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
  return (secret) => Bun.hash.murmur32v3(secret, seed);
}
