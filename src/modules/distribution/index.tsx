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
import { HttpError, NotFound } from "../../http/errors";
import { matchTarget, sha256sums, withUrls } from "./service";
import type { CliBuilder } from "./builder";

const SCRIPT_HEADERS = { "cache-control": "no-store" };

/** The installers and the /install page: scripts carry this server's public URL. */
function installRoutes(ctx: AppContext) {
  const installers = new Installers();
  const baseUrl = (request: Request): string => publicBaseUrl(request, ctx.config);
  return new Elysia({ name: "distribution-install", seed: ctx.config.cliDistDir })
    .use(authGuard(ctx))
    .get("/cli/install.sh", ({ request }) => {
      const base = baseUrl(request);
      return new Response(installers.render("sh", base), {
        headers: { ...SCRIPT_HEADERS, "content-type": "text/x-shellscript; charset=utf-8" },
      });
    })
    .get("/cli/install.ps1", ({ request }) => {
      const base = baseUrl(request);
      return new Response(installers.render("ps1", base), {
        headers: { ...SCRIPT_HEADERS, "content-type": "text/plain; charset=utf-8" },
      });
    })
    .get("/install", async ({ request, query, principal, cookie }) => {
      const serverUrl = baseUrl(request);
      const manifest = await ctx.cliDist.manifest();
      return (
        <InstallPage
          page={pageContext(ctx, principal, cookie)}
          serverUrl={serverUrl}
          platform={pickPlatform(query.os, request.headers.get("user-agent"))}
          manifest={manifest ? withUrls(manifest, serverUrl) : null}
          building={ctx.cliBuilder.building()}
        />
      );
    }, { principal: true });
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
    });
}


/** 503 + Retry-After while the server builds `target` at start; a failed build says why. Else null. */
function buildingError(builder: CliBuilder, target: string): HttpError | null {
  const state = builder.state(target);
  if (state === "building") return new HttpError(503, buildingMessage([target]), { "retry-after": "60" });
  if (state === "failed") {
    return new HttpError(503, `Building da for ${target} failed on this server (${builder.failure(target)}); an administrator can see the server log and run \`bun run build\``);
  }
  return null;
}

export function buildingMessage(targets: string[]): string {
  return `building da for ${targets.join(", ")}, try again in a minute`;
}
