// Backups for admins: the API (/api/admin/backups: create, list, download, delete) and the
// /admin/backups page, whose forms do the same without JavaScript (delete has a confirm step).
// A backup holds every password hash and the whole audit trail: creating and downloading one needs
// an admin's signed-in session (browser or `da login`), never a personal access token, and every
// download is audited (`backup.downloaded`, name and size) before a byte is sent.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import { authGuard } from "../../http/auth-guard";
import { actorOf, type Principal } from "../../auth/principal";
import { formAction, pageContext } from "../../http/page";
import type { BackupInfo } from "../../shared/contract";
import { BackupsPage } from "../../../views/backups/backups-page";
import { BackupDeletePage } from "../../../views/backups/backup-delete-page";
import { confirmForm } from "../../http/confirm-form";

const nameParams = z.object({ name: z.string().max(200) });
const csrfForm = z.object({ _csrf: z.string().optional() });

type Who = { actor: { id: string; email: string; tokenId: string | null }; ip: string | null; reason: "request" };

async function download(ctx: AppContext, name: string, by: Who, set: { headers: Record<string, string | number> }) {
  const path = ctx.backups.pathOf(name);
  const file = Bun.file(path);
  await ctx.audit.record(ctx.db, { actor: by.actor, action: "backup.downloaded", target: name, params: { name, size: file.size }, ip: by.ip });
  set.headers["content-type"] = name.endsWith(".age") ? "application/octet-stream" : "application/gzip";
  set.headers["content-disposition"] = `attachment; filename="${name}"`;
  set.headers["cache-control"] = "no-store";
  return file;
}

const CANNOT = "create or download backups";

const who = (me: Principal, ip: string | null): Who => ({
  actor: actorOf(me),
  ip,
  reason: "request" as const,
});

export function backupsModule(ctx: AppContext) {
  return new Elysia({ name: "backups" }).use(backupsApi(ctx)).use(backupsPages(ctx));
}

function backupsApi(ctx: AppContext) {
  return new Elysia({ name: "backups-api" })
    .use(authGuard(ctx))
    .get("/api/admin/backups", (): BackupInfo[] => ctx.backups.list(), { auth: { role: "admin", scope: "backups" } })
    .post(
      "/api/admin/backups",
      async ({ me, ip, set }) => {
        const created = await ctx.backups.create(who(me, ip));
        set.status = 201;
        return created;
      },
      { auth: { role: "admin", scope: "backups" }, sessionOnly: CANNOT, clientIp: true },
    )
    .get("/api/admin/backups/:name", ({ params, me, ip, set }) => download(ctx, params.name, who(me, ip), set), {
      auth: { role: "admin", scope: "backups" },
      sessionOnly: CANNOT,
      clientIp: true,
      params: nameParams,
    })
    .delete(
      "/api/admin/backups/:name",
      async ({ params, me, ip, set }) => {
        await ctx.backups.remove(params.name, who(me, ip));
        set.status = 204;
        return "";
      },
      { auth: { role: "admin", scope: "backups" }, clientIp: true, params: nameParams },
    );
}

function backupsPages(ctx: AppContext) {
  return new Elysia({ name: "backups-pages" })
    .use(authGuard(ctx))
    .get(
      "/admin/backups",
      ({ me, cookie }) => {
        const config = { everyHours: ctx.config.backupEveryHours, keep: ctx.config.backupKeep, dir: ctx.config.backupDir };
        return <BackupsPage page={pageContext(ctx, me, cookie)} backups={ctx.backups.list()} last={ctx.backups.last} config={config} now={ctx.clock.now()} />;
      },
      { auth: { role: "admin", scope: "backups" } },
    )
    .post(
      "/admin/backups",
      ({ me, ip, set, cookie }) =>
        formAction(ctx, { set, cookie }, "/admin/backups", async () => {
          const created = await ctx.backups.create(who(me, ip));
          return `Backup ${created.name} created.`;
        }),
      { auth: { role: "admin", scope: "backups" }, sessionOnly: CANNOT, clientIp: true, body: csrfForm },
    )
    .get("/admin/backups/:name/download", ({ params, me, ip, set }) => download(ctx, params.name, who(me, ip), set), {
      auth: { role: "admin", scope: "backups" },
      sessionOnly: CANNOT,
      clientIp: true,
      params: nameParams,
    })
    .get(
      "/admin/backups/:name/delete",
      ({ me, cookie, params }) => {
        ctx.backups.pathOf(params.name);
        return <BackupDeletePage page={pageContext(ctx, me, cookie)} name={params.name} />;
      },
      { auth: { role: "admin", scope: "backups" }, params: nameParams },
    )
    .post(
      "/admin/backups/:name/delete",
      ({ me, ip, cookie, params, body, set }) => {
        if (body.confirm !== "yes") return <BackupDeletePage page={pageContext(ctx, me, cookie)} name={params.name} />;
        return formAction(ctx, { set, cookie }, "/admin/backups", async () => {
          await ctx.backups.remove(params.name, who(me, ip));
          return `Backup ${params.name} deleted.`;
        });
      },
      { auth: { role: "admin", scope: "backups" }, clientIp: true, params: nameParams, body: confirmForm },
    );
}
