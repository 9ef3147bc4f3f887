// `bun run signing-key show|rotate`: the deployment's da signing key (DA_SIGNING_KEY, default
// $DATA_DIR/state/da-signing-key). `show` prints its id and public key (made when missing);
// `rotate` replaces it with a new key signed by the old one (see README, "Signed releases"), then
// restart the server: it rebuilds every da with the new key, and da's built with the old one
// follow the chain it serves at /cli/signing-key.chain.
import { chainPath, loadSigningKey, rotateSigningKey, signingKeyPath, SigningKeyError } from "../src/config/signing-key";
import { formatPublicKey, keyIdHex, publicKeyOf } from "../src/shared/minisign";

function main(command: string | undefined): number {
  const file = signingKeyPath(process.env);
  if (command === "show") {
    const key = loadSigningKey(file);
    process.stdout.write(`${file} (key ${keyIdHex(key.keyId)})\n${formatPublicKey(publicKeyOf(key))}`);
    return 0;
  }
  if (command === "rotate") {
    const { old, next, retired } = rotateSigningKey(file);
    console.log(`Rotated the da signing key ${old} → ${next}.`);
    console.log(`The old key is kept as ${retired}: move it off this machine (or destroy it); nothing needs it any more.`);
    console.log(`${chainPath(file)} now holds the new key signed by the old one; the server serves it at /cli/signing-key.chain.`);
    console.log("Restart the server: it rebuilds every da with the new key (or run `bun run build` with the same environment).");
    return 0;
  }
  console.error("usage: bun run signing-key show|rotate   (key file: DA_SIGNING_KEY, default $DATA_DIR/state/da-signing-key)");
  return 2;
}

try {
  process.exitCode = main(Bun.argv[2]);
} catch (error) {
  if (!(error instanceof SigningKeyError)) throw error;
  console.error(`signing-key: ${error.message}`);
  process.exitCode = 2;
}
