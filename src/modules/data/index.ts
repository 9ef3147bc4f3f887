// Data access routes. Any signed-in active user (session or PAT): POST /api/query, GET
// /api/datasets[/{name}], GET /api/sync/manifest, GET /api/data/{name}/download (only what canRead
// allows). Admins: POST /api/datasets?name=,
// PUT and DELETE /api/datasets/{name}; an upload is the raw request body (CSV or Parquet), streamed
// to disk (upload.ts).
import { rm } from "node:fs/promises";
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import type { DatasetDetail, DatasetInfo, QueryAnswer, SyncManifest } from "../../shared/contract";
import { authGuard } from "../../http/auth-guard";
import { datasetInfo, listReadable, readableDataset } from "./catalog";
import { checkDatasetName, deleteDataset, storeDataset } from "./datasets";
import { DEFAULT_QUERY_LIMIT, datasetNameParams, datasetNameQuery, queryBody, queryFormatQuery } from "./model";
import { runJsonQuery, sampleRows } from "./query-service";
import { receiveUpload } from "./upload";
import { downloadDataset, syncManifest } from "./sync";
import { requestedFormat, runStreamedQuery } from "./stream";
import { runParquetQuery } from "./parquet-result";
import type { Principal } from "../../auth/principal";
export { dataPages } from "./pages";

export function dataApi(ctx: AppContext) {
  return new Elysia({ name: "data-api" }).use(readRoutes(ctx)).use(datasetChanges(ctx));
}

/** What every signed-in user may do with the datasets they may read: query, list, sync. */
function readRoutes(ctx: AppContext) {
  return new Elysia({ name: "data-read" })
    .use(authGuard(ctx))
    .post(
      "/api/query",
      async ({ me, body, ip, query, request }): Promise<QueryAnswer | Response> => {
        const format = requestedFormat(query.format, request.headers.get("accept"));
        const sql = { sql: body.sql, limit: body.limit ?? DEFAULT_QUERY_LIMIT, ip };
        if (format === "parquet") return await runParquetQuery(ctx, me, sql);
        return format === "json" ? await runJsonQuery(ctx, me, sql) : await runStreamedQuery(ctx, me, sql, format);
      },
      { auth: { role: "user", scope: "query" }, clientIp: true, body: queryBody, query: queryFormatQuery },
    )
    .get("/api/datasets", ({ me }): DatasetInfo[] => listReadable(ctx, me), { auth: { role: "user", scope: "query" } })
    .get("/api/sync/manifest", ({ me }): SyncManifest => syncManifest(ctx, me), { auth: { role: "user", scope: "sync" } })
    .get("/api/data/:name/download", ({ me, params, request }) => downloadDataset(ctx, me, params.name, request), {
      auth: { role: "user", scope: "sync" },
      params: datasetNameParams,
    })
    .get(
      "/api/datasets/:name",
      async ({ me, params }): Promise<DatasetDetail> => {
        const row = readableDataset(ctx, me, params.name);
        return { ...datasetInfo(ctx, row), sample: await sampleRows(ctx, me, row.name) };
      },
      { auth: { role: "user", scope: "query" }, params: datasetNameParams },
    );
}

/** An admin's uploads, replacements and deletions. */
function datasetChanges(ctx: AppContext) {
  const upload = async (me: Principal, ip: string | null, request: Request, body: unknown, name: string, replace: boolean) => {
    checkDatasetName(name);
    const { datasetsDir, datasetMaxBytes } = ctx.config.data;
    const file = await receiveUpload(request, body, datasetsDir, datasetMaxBytes);
    try {
      return datasetInfo(ctx, await storeDataset(ctx, { me, ip }, name, file, replace));
    } finally {
      await rm(file, { force: true });
    }
  };
  return new Elysia({ name: "data-changes" })
    .use(authGuard(ctx))
    .post(
      "/api/datasets",
      async ({ me, ip, request, body, query, set }): Promise<DatasetInfo> => {
        const created = await upload(me, ip, request, body, query.name ?? "", false);
        set.status = 201;
        return created;
      },
      { auth: { role: "admin", scope: "datasets:write" }, clientIp: true, query: datasetNameQuery },
    )
    .put("/api/datasets/:name", ({ me, ip, request, body, params }): Promise<DatasetInfo> => upload(me, ip, request, body, params.name, true), {
      auth: { role: "admin", scope: "datasets:write" },
      clientIp: true,
      params: datasetNameParams,
    })
    .delete(
      "/api/datasets/:name",
      async ({ me, ip, params, set }) => {
        await deleteDataset(ctx, { me, ip }, params.name);
        set.status = 204;
        return "";
      },
      { auth: { role: "admin", scope: "datasets:write" }, clientIp: true, params: datasetNameParams },
    );
}
