// Whether `da update` may install what the server offers: the release (SHA256SUMS, with the version in
// its signed trusted comment) must be signed by the key baked into this da at build time, or by a key
// a rotation chain from it leads to; the version must not be lower unless asked for. All of it is
// decided before a byte of the new binary is downloaded, written or run.
import type { Manifest } from "../../src/shared/contract";
import { keyIdHex, MinisignError, parsePublicKey, signatureKeyId, type PublicKey } from "../../src/shared/minisign";
import { checksumFor, trustedKeys, verifyRelease, type VerifiedRelease } from "../../src/shared/release-signing";
import type { Api } from "../api";
import { CLI_SIGNING_KEY } from "../build-info";
import { CliError } from "../errors";
import { getOnServer } from "./update-fetch";

const UNCHANGED = "the installed da is unchanged";

/** The key this da was built with; a dev build has none and cannot tell a real release from a forged one. */
export function bakedKey(): PublicKey {
  if (!CLI_SIGNING_KEY) {
    throw new CliError(
      `this da was built without a release signing key (a dev build), so it cannot verify an update; ${UNCHANGED}`,
      "install da with your server's install script (curl -fsSL <server>/cli/install.sh | sh)",
    );
  }
  return parsePublicKey(CLI_SIGNING_KEY);
}

/** The server's rotation chain ([] when it has none or sends something else). */
async function fetchChain(api: Api): Promise<unknown> {
  const response = await getOnServer(api, "/cli/signing-key.chain");
  if (!response.ok) {
    await response.body?.cancel();
    return [];
  }
  return response.json().catch(() => []);
}

export type SignedRelease = VerifiedRelease & { sums: string };

/** The release the manifest describes, verified; one clear line when it is unsigned, forged or inconsistent. */
export async function verifiedRelease(api: Api, manifest: Manifest, baked: PublicKey): Promise<SignedRelease> {
  const { signature, sha256sums: sums } = manifest;
  if (typeof signature !== "string" || typeof sums !== "string") {
    throw new CliError(`${api.server} offers da ${manifest.version} unsigned (its manifest has no signature), so da will not install it; ${UNCHANGED}`);
  }
  const signer = signatureKeyId(signature);
  const keys = signer && signer !== keyIdHex(baked.keyId) ? trustedKeys(baked, await fetchChain(api)) : [baked];
  let release: VerifiedRelease;
  try {
    release = verifyRelease(keys, sums, signature);
  } catch (error) {
    if (!(error instanceof MinisignError)) throw error;
    throw new CliError(`the signature of da ${manifest.version} from ${api.server} does not verify (${error.message}); ${UNCHANGED}`);
  }
  if (release.version !== manifest.version) {
    throw new CliError(`${api.server} calls its da ${manifest.version} but the signed release is da ${release.version}; ${UNCHANGED}`);
  }
  return { ...release, sums };
}

/** Refuses a lower version than this da's unless --allow-downgrade. */
export function checkNotOlder(offered: string, current: string, allowDowngrade: boolean): void {
  if (allowDowngrade) return;
  let order: number;
  try {
    order = Bun.semver.order(offered, current);
  } catch {
    throw new CliError(`cannot tell whether da ${offered} is older than this da (${current}); not installing it without --allow-downgrade; ${UNCHANGED}`);
  }
  if (order < 0) throw new CliError(`${offered} is older than this da (${current}); not downgrading without --allow-downgrade; ${UNCHANGED}`);
}

/** The SHA-256 the signed SHA256SUMS gives for `filename`. */
export function signedChecksum(release: SignedRelease, filename: string): string {
  const sum = checksumFor(release.sums, filename);
  if (!sum) throw new CliError(`the signed SHA256SUMS of da ${release.version} lists no ${filename}; ${UNCHANGED}`);
  return sum;
}
