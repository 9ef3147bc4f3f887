// CLI distribution: the `da` binaries build.ts left in CLI_DIST_DIR, their manifest and checksums,
// the installers with this server's public URL baked in, and the public /install page.
// Every route is public: installing must work before anyone has an account.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { pageContext } from "../../http/page";
import { publicBaseUrl } from "../../http/public-url";
import { InstallPage, pickPlatform } from "../../../views/install/install-page";
import { downloadResponse } from "./download";
import { Installers } from "./installer";
import { HttpError, NotFound } from "../../shared/errors";
import { matchTarget, NOT_BUILT_HINT, sha256sums, withUrls } from "./service";
import { readChain } from "../../config/signing-key";
import { formatPublicKey, keyIdHex, parsePublicKey, publicKeyBase64, publicKeyOf, type PublicKey } from "../../shared/minisign";
import { SIGNATURE_FILE } from "../../shared/release-signing";
import type { CliBuilder } from "./builder";

const SCRIPT_HEADERS = { "cache-control": "no-store" };

/** The installers and the /install page: scripts carry this server's public URL. */
function installRoutes(ctx: AppContext) {
  const installers = new Installers();
  const baseUrl = (request: Request): string => publicBaseUrl(request, ctx.config);
  return new Elysia({ name: "distribution-install", seed: ctx.config.cliDistDir })
    .use(authGuard(ctx))
    .get("/cli/install.sh", async ({ request }) => {
      const base = baseUrl(request);
      const key = publicKeyBase64(await servedKey(ctx));
      return new Response(installers.render("sh", base, key), {
        headers: { ...SCRIPT_HEADERS, "content-type": "text/x-shellscript; charset=utf-8" },
      });
    })
    .get("/cli/install.ps1", async ({ request }) => {
      const base = baseUrl(request);
      const key = publicKeyBase64(await servedKey(ctx));
      return new Response(installers.render("ps1", base, key), {
        headers: { ...SCRIPT_HEADERS, "content-type": "text/plain; charset=utf-8" },
      });
    })
    .get(
      "/install",
      async ({ request, query, principal, cookie }) => {
        const serverUrl = baseUrl(request);
        const manifest = await ctx.cliDist.manifest();
        const key = await servedKey(ctx);
        return (
          <InstallPage
            page={pageContext(ctx, principal, cookie)}
            serverUrl={serverUrl}
            platform={pickPlatform(query.os, request.headers.get("user-agent"))}
            manifest={manifest ? withUrls(manifest, serverUrl) : null}
            building={ctx.cliBuilder.building()}
            signingKey={{ keyId: keyIdHex(key.keyId), publicKey: publicKeyBase64(key) }}
          />
        );
      },
      { principal: true },
    );
}

/**
 * The key the served release was signed with (build.ts records it in the manifest), else this
 * server's own: what users pin must check what they download, also when the binaries were built
 * elsewhere (the Docker image builds them in a stage of its own, with a key of that build).
 */
async function servedKey(ctx: AppContext): Promise<PublicKey> {
  const recorded = (await ctx.cliDist.manifest())?.signing_key;
  if (recorded !== undefined) {
    try {
      return parsePublicKey(recorded);
    } catch {
      // a manifest with a damaged key: fall back to our own (install.sh will then refuse the release)
    }
  }
  return publicKeyOf(ctx.config.daSigningKey);
}

export function distributionModule(ctx: AppContext) {
  const dist = ctx.cliDist;
  const builder = ctx.cliBuilder;
  const baseUrl = (request: Request): string => publicBaseUrl(request, ctx.config);

  return new Elysia({ name: "distribution", seed: ctx.config.cliDistDir })
    .use(authGuard(ctx))
    .use(installRoutes(ctx))
    .get("/cli/manifest.json", async ({ request, set }) => {
      const base = baseUrl(request);
      const manifest = await dist.manifest();
      set.headers["cache-control"] = "no-cache";
      const building = builder.building();
      if (!manifest) return { version: ctx.version, commit: ctx.commit, targets: [], building };
      return { ...withUrls(manifest, base), building };
    })
    .get("/cli/download/:target", async ({ request, params }) => {
      const { entry, path } = await dist.builtTarget(params.target).catch((error: unknown) => {
        throw buildingError(builder, params.target) ?? error;
      });
      return downloadResponse(request, entry, path);
    })
    .get("/cli/download", async ({ request, query, set }) => {
      const base = baseUrl(request);
      const manifest = await dist.manifest();
      const built = manifest?.targets.map((x) => x.target) ?? [];
      const target = matchTarget(query, [...built, ...builder.building()]);
      if (!built.includes(target)) throw buildingError(builder, target) ?? new NotFound(`The da CLI for ${target} is not built on this server`);
      set.status = 302;
      set.headers.location = `${base}/cli/download/${target}`;
      return "";
    })
    .get("/cli/SHA256SUMS", async ({ set }) => {
      set.headers["content-type"] = "text/plain; charset=utf-8";
      set.headers["cache-control"] = "no-cache";
      return sha256sums(await dist.manifest());
    })
    .use(signingRoutes(ctx));
}

/** The release signature and the key to check it with (minisign format, so `minisign -V` works too). */
function signingRoutes(ctx: AppContext) {
  // Read once: rotating the key (`bun run signing-key rotate`) takes a restart, which rebuilds every da.
  const chain = JSON.stringify(readChain(ctx.config.daSigningKeyFile));
  const text = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" };
  return new Elysia({ name: "distribution-signing", seed: ctx.config.cliDistDir })
    .get(`/cli/${SIGNATURE_FILE}`, async () => {
      const signature = (await ctx.cliDist.manifest())?.signature;
      if (signature === undefined) throw new NotFound(`The da builds on this server are not signed; ${NOT_BUILT_HINT}`);
      return new Response(signature, { headers: text });
    })
    .get("/cli/signing-key.pub", async () => new Response(formatPublicKey(await servedKey(ctx)), { headers: text }))
    .get("/cli/signing-key.chain", () => new Response(chain, { headers: { ...text, "content-type": "application/json" } }));
}

/** 503 + Retry-After while the server builds `target` at start; a failed build says why. Else null. */
function buildingError(builder: CliBuilder, target: string): HttpError | null {
  const state = builder.state(target);
  if (state === "building") return new HttpError(503, buildingMessage([target]), { "retry-after": "60" });
  if (state === "failed") {
    return new HttpError(
      503,
      `Building da for ${target} failed on this server (${builder.failure(target)}); an administrator can see the server log and run \`bun run build\``,
    );
  }
  return null;
}

export function buildingMessage(targets: string[]): string {
  return `building da for ${targets.join(", ")}, try again in a minute`;
}
