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
import { CliDistribution, matchTarget, sha256sums, withUrls } from "./service";

const SCRIPT_HEADERS = { "cache-control": "no-store" };

export function distributionModule(ctx: AppContext) {
  const dist = new CliDistribution(ctx.config.cliDistDir, ctx.log);
  const installers = new Installers();
  const baseUrl = (request: Request): string => publicBaseUrl(request, ctx.config);

  return new Elysia({ name: "distribution", seed: ctx.config.cliDistDir })
    .use(authGuard(ctx))
    .get("/cli/manifest.json", async ({ request, set }) => {
      const base = baseUrl(request);
      const manifest = await dist.manifest();
      set.headers["cache-control"] = "no-cache";
      if (!manifest) return { version: ctx.version, commit: ctx.commit, targets: [] };
      return withUrls(manifest, base);
    })
    .get("/cli/download/:target", async ({ request, params }) => {
      const { entry, path } = await dist.builtTarget(params.target);
      return downloadResponse(request, entry, path);
    })
    .get("/cli/download", async ({ request, query, set }) => {
      const base = baseUrl(request);
      const manifest = await dist.manifest();
      const target = matchTarget(query, manifest?.targets.map((x) => x.target) ?? []);
      set.status = 302;
      set.headers.location = `${base}/cli/download/${target}`;
      return "";
    })
    .get("/cli/SHA256SUMS", async ({ set }) => {
      set.headers["content-type"] = "text/plain; charset=utf-8";
      set.headers["cache-control"] = "no-cache";
      return sha256sums(await dist.manifest());
    })
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
      const manifest = await dist.manifest();
      return (
        <InstallPage
          page={pageContext(ctx, principal, cookie)}
          serverUrl={serverUrl}
          platform={pickPlatform(query.os, request.headers.get("user-agent"))}
          manifest={manifest ? withUrls(manifest, serverUrl) : null}
        />
      );
    }, { principal: true });
}
