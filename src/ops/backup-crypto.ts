// Optional encryption of backups with age (age-encryption.org/v1, through the `age-encryption`
// library by age's author: X25519 + ChaCha20-Poly1305 in 64 KiB authenticated chunks, streamed).
// BACKUP_ENCRYPTION_KEY is either
//   age1…               a recipient: the server can only encrypt, so a stolen server or backup
//                       store reads nothing; restore needs the matching identity, or
//   AGE-SECRET-KEY-1…   an identity: the server encrypts to its recipient, and restore with the
//                       same value decrypts.
// The key is kept by the operator outside every backup (like the session key).
import { Readable } from "node:stream";
import { bech32 } from "@scure/base";
import { Decrypter, Encrypter, identityToRecipient } from "age-encryption";

/** The first line of every age file. */
export const AGE_MAGIC = "age-encryption.org/v1\n";

/** Why `value` is not an X25519 age recipient or identity (bech32 with a valid checksum), or null. */
export function ageKeyProblem(value: string): string | null {
  const expected = "expected an age recipient (age1…) or identity (AGE-SECRET-KEY-1…), e.g. from `age-keygen`";
  let prefix: string;
  try {
    ({ prefix } = bech32.decode(value as `${string}1${string}`, 100));
  } catch {
    return expected;
  }
  return prefix === "age" || prefix === "age-secret-key-" ? null : expected;
}

export function isAgeIdentity(value: string): boolean {
  return value.toUpperCase().startsWith("AGE-SECRET-KEY-1");
}

/** The recipient backups are encrypted to: the value itself, or the identity's public half. */
export function recipientOf(key: string): Promise<string> {
  return isAgeIdentity(key) ? identityToRecipient(key.toUpperCase()) : Promise.resolve(key);
}

export async function encryptStream(input: Readable, recipient: string): Promise<Readable> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  const output = await encrypter.encrypt(Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>);
  return Readable.fromWeb(output as unknown as Parameters<typeof Readable.fromWeb>[0]);
}

/** Decrypts as a stream; the header (and whether the identity matches) is checked before it resolves. */
export async function decryptStream(input: Readable, identity: string): Promise<Readable> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity.toUpperCase());
  const output = await decrypter.decrypt(Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>);
  return Readable.fromWeb(output as unknown as Parameters<typeof Readable.fromWeb>[0]);
}
