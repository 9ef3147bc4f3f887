// The data pages: /data (every signed-in user: the datasets they may read, a query form that works
// without JavaScript, the result as a table and as a CSV download) and /admin/datasets (admins:
// the list, an upload form (multipart, the file streamed to disk: src/http/streamed-form.ts), delete
// with a confirm step).
import { Elysia } from "elysia";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { QueryAnswer } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { BadRequest, HttpError } from "../../shared/errors";
import { formAction, pageContext } from "../../http/page";
import { toCsv } from "../../shared/csv";
import { DataPage } from "../../../views/data/data-page";
import { DatasetsAdminPage } from "../../../views/data/datasets-admin-page";
import { DatasetDeletePage } from "../../../views/data/dataset-delete-page";
import { datasetInfo, listReadable, readableDataset } from "./catalog";
import { checkDatasetName, deleteDataset, storeDataset } from "./datasets";
import { writeUpload } from "./upload";
import type { StreamedForm } from "../../http/streamed-form";
import { rm } from "node:fs/promises";
import { datasetNameParams, DEFAULT_QUERY_LIMIT } from "./model";
import { runJsonQuery } from "./query-service";
import { datasetReaders } from "../groups/grants";

const queryForm = z.object({
  _csrf: z.string().optional(),
  sql: z
    .string()
    .max(64 * 1024)
    .optional(),
});
const confirmForm = z.object({ _csrf: z.string().optional(), confirm: z.string().max(10).optional() });

/** The answer, or the refusal's message for the page (a 4xx the person can act on). */
async function tryQuery(ctx: AppContext, me: Principal, sql: string, limit: number, ip: string | null): Promise<QueryAnswer | string> {
  try {
    return await runJsonQuery(ctx, me, { sql, limit, ip });
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) return error.message;
    throw error;
  }
}

/** The upload form: fields first (checked by the guard), then the file, streamed to disk. */
async function uploadFromForm(ctx: AppContext, change: { me: Principal; ip: string | null }, form: StreamedForm): Promise<string> {
  if (!form || !("fields" in form)) throw new BadRequest("Send the form as multipart/form-data");
  const file = form.file;
  try {
    const name = checkDatasetName(form.fields.name ?? "");
    if (!file) throw new BadRequest("Choose a CSV or Parquet file");
    const { datasetsDir, datasetMaxBytes } = ctx.config.data;
    const path = await writeUpload(file, datasetsDir, datasetMaxBytes);
    try {
      const replace = form.fields.replace === "yes";
      const row = await storeDataset(ctx, change, name, path, replace);
      return `Dataset ${row.name} ${replace ? "replaced" : "created"}: ${row.row_count} rows.`;
    } finally {
      await rm(path, { force: true });
    }
  } finally {
    file?.destroy(); // whatever was not read (a refused upload) is dropped, not drained
  }
}

export function dataPages(ctx: AppContext) {
  return new Elysia({ name: "data-pages" }).use(queryPages(ctx)).use(datasetAdminPages(ctx));
}

/** /data: the datasets a person may read and a query form that works without JavaScript. */
function queryPages(ctx: AppContext) {
  return new Elysia({ name: "data-query-pages" })
    .use(authGuard(ctx))
    .get("/data", ({ me, cookie }) => <DataPage page={pageContext(ctx, me, cookie)} datasets={listReadable(ctx, me)} sql="" answer={null} error={null} />, {
      auth: { role: "user", scope: "query" },
    })
    .post(
      "/data",
      async ({ me, cookie, body, ip }) => {
        const sql = body.sql ?? "";
        const result = await tryQuery(ctx, me, sql, Math.min(DEFAULT_QUERY_LIMIT, ctx.config.data.queryMaxRows), ip);
        const answer = typeof result === "string" ? null : result;
        const error = typeof result === "string" ? result : null;
        return <DataPage page={pageContext(ctx, me, cookie)} datasets={listReadable(ctx, me)} sql={sql} answer={answer} error={error} />;
      },
      { auth: { role: "user", scope: "query" }, clientIp: true, body: queryForm },
    )
    .post(
      "/data/result.csv",
      async ({ me, body, ip, set }) => {
        const answer = await runJsonQuery(ctx, me, { sql: body.sql ?? "", limit: ctx.config.data.queryMaxRows, ip });
        set.headers["content-type"] = "text/csv; charset=utf-8";
        set.headers["content-disposition"] = 'attachment; filename="result.csv"';
        return toCsv(answer.columns, answer.rows);
      },
      { auth: { role: "user", scope: "query" }, clientIp: true, body: queryForm },
    );
}

/** /admin/datasets: upload, replace and delete (with the one confirmation page). */
function datasetAdminPages(ctx: AppContext) {
  return new Elysia({ name: "data-admin-pages" })
    .use(authGuard(ctx))
    .get(
      "/admin/datasets",
      ({ me, cookie }) => (
        <DatasetsAdminPage
          page={pageContext(ctx, me, cookie)}
          datasets={ctx.data.all().map((row) => datasetInfo(ctx, row))}
          maxMb={Math.round(ctx.config.data.datasetMaxBytes / 1024 / 1024)}
          readers={datasetReaders(ctx)}
        />
      ),
      { auth: { role: "admin", scope: "datasets:write" } },
    )
    .post(
      "/admin/datasets/upload",
      ({ me, ip, cookie, body, set }) => formAction(ctx, { set, cookie }, "/admin/datasets", () => uploadFromForm(ctx, { me, ip }, body as StreamedForm)),
      { auth: { role: "admin", scope: "datasets:write" }, clientIp: true },
    )
    .get(
      "/admin/datasets/:name/delete",
      ({ me, cookie, params }) => <DatasetDeletePage page={pageContext(ctx, me, cookie)} dataset={datasetInfo(ctx, readableDataset(ctx, me, params.name))} />,
      { auth: { role: "admin", scope: "datasets:write" }, params: datasetNameParams },
    )
    .post(
      "/admin/datasets/:name/delete",
      ({ me, ip, cookie, params, body, set }) => {
        if (body.confirm !== "yes")
          return <DatasetDeletePage page={pageContext(ctx, me, cookie)} dataset={datasetInfo(ctx, readableDataset(ctx, me, params.name))} />;
        return formAction(ctx, { set, cookie }, "/admin/datasets", async () => {
          await deleteDataset(ctx, { me, ip }, params.name);
          return `Dataset ${params.name} deleted.`;
        });
      },
      { auth: { role: "admin", scope: "datasets:write" }, clientIp: true, params: datasetNameParams, body: confirmForm },
    );
}
