// Baked in by scripts/build-cli.ts with --define; running from source (`bun cli/main.ts`) shows "dev".
declare const DA_VERSION: string | undefined;
declare const DA_COMMIT: string | undefined;
declare const DA_TARGET: string | undefined;
declare const DA_SIGNING_PUBKEY: string | undefined;

export const CLI_VERSION: string = typeof DA_VERSION === "string" ? DA_VERSION : "0.0.0-dev";
export const CLI_COMMIT: string = typeof DA_COMMIT === "string" ? DA_COMMIT : "unknown";
/** The first line of `da version` and `da --version`. */
export const versionLine = (): string => `da ${CLI_VERSION} (${CLI_COMMIT})`;
/**
 * The build this binary is (a name from src/shared/targets.ts, e.g. linux-x64-baseline),
 * so `da update` replaces like with like instead of guessing from the machine; null from source.
 */
export const CLI_TARGET: string | null = typeof DA_TARGET === "string" ? DA_TARGET : null;
/**
 * The release signing key of the server this da was built by (minisign public key, base64): `da update`
 * installs only what it signed, or a key it rotated to. null in a dev build, which cannot update itself.
 */
export const CLI_SIGNING_KEY: string | null = typeof DA_SIGNING_PUBKEY === "string" ? DA_SIGNING_PUBKEY : null;
