// What callers see of datasets: only those canRead allows, by name, with the uploader's email.
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import type { DatasetInfo } from "../../shared/contract";
import { NotFound } from "../../shared/errors";
import type { DatasetRow } from "./repository";

export function datasetInfo(ctx: AppContext, row: DatasetRow): DatasetInfo {
  return {
    name: row.name,
    columns: JSON.parse(row.columns) as DatasetInfo["columns"],
    rows: row.row_count,
    size_bytes: row.size_bytes,
    hash: row.hash,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    uploaded_by: row.uploaded_by ? (ctx.authState.user(row.uploaded_by)?.email ?? null) : null,
  };
}

export function listReadable(ctx: AppContext, me: Principal): DatasetInfo[] {
  return ctx.data.readable(me).map((row) => datasetInfo(ctx, row));
}

/** A dataset the caller may read; unknown and unreadable look the same (404). */
export function readableDataset(ctx: AppContext, me: Principal, name: string): DatasetRow {
  const row = ctx.data.all().find((r) => r.name === name);
  if (!row || !ctx.data.canRead(me, row)) throw new NotFound(`There is no dataset named ${name}`);
  return row;
}
