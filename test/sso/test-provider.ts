// A real OpenID Provider for the SSO tests: panva's oidc-provider (OpenID Certified) on a loopback
// port, with accounts the test defines and changes (email, email_verified, groups). Its development
// sign-in and consent pages are real HTML forms (any password works), so Chromium and `fetch` walk the
// real redirects. `misbehave` makes the token endpoint hand out an ID token for another audience or
// signed by a key that is not in the provider's JWKS, to prove Agnes refuses them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import Provider, { type Configuration } from "oidc-provider";

export type TestAccount = { email?: string; email_verified?: boolean; name?: string; groups?: string[] | string };
export type Misbehaviour = "none" | "wrong-audience" | "unknown-key";

export type TestProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  misbehave: Misbehaviour;
  /** A new signing key replaces the old one (the JWKS then lists only the new key). */
  rotateKeys(): void;
  /** Env settings for Agnes: OIDC_<ID>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _SCOPES. */
  env(id: string): Record<string, string>;
  stop(): Promise<void>;
};

type Jwk = Record<string, unknown> & { kid: string };

function rsaKey(): { jwk: Jwk; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(privateKey.export({ format: "jwk" }) as Record<string, unknown>), kid: randomUUID(), alg: "RS256", use: "sig" };
  return { jwk, pem: privateKey.export({ format: "pem", type: "pkcs8" }).toString() };
}

/** Re-signs a JWT's (possibly edited) payload with RS256 under `kid`. */
function resign(jwt: string, key: { pem: string; kid: string }, edit: (claims: Record<string, unknown>) => void): string {
  const claims = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
  edit(claims);
  const head = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: key.kid })).toString("base64url");
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = sign("sha256", Buffer.from(`${head}.${body}`), key.pem).toString("base64url");
  return `${head}.${body}.${signature}`;
}

function freePortServer(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

/**
 * Starts a provider. `redirectUris`: Agnes's callback URLs this client may use. `idTokenClaims`:
 * put email and groups into the ID token too (like Google), else they come only from userinfo.
 */
export async function startTestProvider(opts: { redirectUris: string[]; idTokenClaims?: boolean; clientId?: string }): Promise<TestProvider> {
  const { server, port } = await freePortServer();
  const issuer = `http://127.0.0.1:${port}`;
  let signing = rsaKey();
  const stranger = rsaKey();
  const accounts = new Map<string, TestAccount>();
  const clientId = opts.clientId ?? "agnes";
  const clientSecret = `secret-${randomUUID()}`;
  const configuration = (): Configuration => ({
    clients: [
      { client_id: clientId, client_secret: clientSecret, redirect_uris: opts.redirectUris, grant_types: ["authorization_code"], response_types: ["code"] },
    ],
    jwks: { keys: [signing.jwk as never] },
    cookies: { keys: [randomUUID()] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    conformIdTokenClaims: !opts.idTokenClaims,
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
  });
  const handle: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    accounts,
    misbehave: "none",
    env: (id) => {
      const p = id.toUpperCase().replace(/-/g, "_");
      return {
        [`OIDC_${p}_ISSUER`]: issuer,
        [`OIDC_${p}_CLIENT_ID`]: clientId,
        [`OIDC_${p}_CLIENT_SECRET`]: clientSecret,
        [`OIDC_${p}_SCOPES`]: "openid email profile groups",
      };
    },
    rotateKeys: () => {
      signing = rsaKey();
      handler = build();
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const build = () => {
    const provider = new Provider(issuer, configuration());
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.oidc?.route !== "token" || !body?.id_token || handle.misbehave === "none") return;
      body.id_token =
        handle.misbehave === "wrong-audience"
          ? resign(body.id_token, { pem: signing.pem, kid: signing.jwk.kid }, (c) => {
              c.aud = "another-client";
            })
          : resign(body.id_token, { pem: stranger.pem, kid: stranger.jwk.kid }, () => undefined);
    });
    return provider.callback();
  };
  let handler = build();
  server.on("request", (req, res) => handler(req, res));
  return handle;
}
