// The two scripts of the WebAuthn pages (the only ones that need JavaScript): @simplewebauthn/browser's
// own bundle, served as it ships, and public/passkeys.js, which wires the buttons to the ceremonies.
import { Elysia } from "elysia";
import { join } from "node:path";

const PASSKEYS_JS = join(import.meta.dir, "../../../public/passkeys.js");
const WEBAUTHN_JS = join(import.meta.dir, "../../../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js");

export function webauthnScripts() {
  const serve =
    (path: string) =>
    ({ set }: { set: { headers: Record<string, string | number> } }) => {
      set.headers["content-type"] = "text/javascript; charset=utf-8";
      set.headers["cache-control"] = "public, max-age=3600";
      return Bun.file(path);
    };
  return new Elysia({ name: "mfa-scripts" }).get("/static/passkeys.js", serve(PASSKEYS_JS)).get("/static/webauthn.js", serve(WEBAUTHN_JS));
}
