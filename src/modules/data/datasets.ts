// Creating, replacing and deleting datasets. An upload is converted (files.ts) before anything is
// committed; the row and its audit entry are written in one transaction; then the query sandbox is
// rebuilt over the new set and the previous files are removed (a query or download still reading
// them keeps its open file). Changes run one at a time (ctx.data.exclusive), so the sandbox is
// always rebuilt in commit order.
import type { AppContext } from "../../context";
import { actorOf, type Principal } from "../../auth/principal";
import { BadRequest, Conflict, NotFound } from "../../shared/errors";
import { DATASET_NAME_PATTERN } from "../../shared/contract";
import { convertUpload, removeFiles, type StoredFiles } from "./files";
import { deleteDatasetRow, findDatasetRow, insertDatasetRow, replaceDatasetRow } from "./repository";
import { dropGrantsOfDataset, grantNewDataset } from "../groups/grants";

export function checkDatasetName(name: string): string {
  if (!DATASET_NAME_PATTERN.test(name)) {
    throw new BadRequest("A dataset name is a lowercase letter followed by up to 62 lowercase letters, digits or underscores");
  }
  return name;
}

type Change = { me: Principal; ip: string | null };

/** Stores `upload` (a CSV or Parquet file on disk) as dataset `name`; `replace` says which of create/replace is meant. */
export function storeDataset(ctx: AppContext, change: Change, name: string, upload: string, replace: boolean) {
  checkDatasetName(name);
  return ctx.data.exclusive(async () => {
    const existing = await findDatasetRow(ctx.db, name);
    if (replace && !existing) throw new NotFound(`There is no dataset named ${name}`);
    if (!replace && existing) throw new Conflict(`A dataset named ${name} already exists; replace it with PUT /api/datasets/${name}`);
    const files = await convertUpload(ctx.config.data.datasetsDir, name, upload, ctx.config.data.queryMemoryMb);
    try {
      await commitStore(ctx, change, name, files, existing !== null);
    } catch (error) {
      await removeFiles(ctx.config.data.datasetsDir, files.fileId);
      throw error;
    }
    await ctx.data.refresh(ctx.db);
    if (existing) await removeFiles(ctx.config.data.datasetsDir, existing.file_id);
    return (await findDatasetRow(ctx.db, name))!;
  });
}

async function commitStore(ctx: AppContext, change: Change, name: string, files: StoredFiles, replace: boolean): Promise<void> {
  const now = ctx.clock.now();
  const row = {
    name,
    file_id: files.fileId,
    columns: JSON.stringify(files.columns),
    row_count: files.rows,
    size_bytes: files.sizeBytes,
    hash: files.hash,
    updated_at: now,
    uploaded_by: change.me.user.id,
  };
  await ctx.db.transaction(async (tx) => {
    if (replace) await replaceDatasetRow(tx, row);
    else await insertDatasetRow(tx, { ...row, created_at: now });
    // A replacement keeps its grants; a new dataset gets DATASET_DEFAULT_GRANT's, named in its audit entry.
    const granted = replace ? {} : { granted: await grantNewDataset(ctx, tx, name) };
    await ctx.audit.record(tx, {
      actor: actorOf(change.me),
      action: replace ? "dataset.replace" : "dataset.create",
      target: name,
      params: { rows: files.rows, size_bytes: files.sizeBytes, hash: files.hash, columns: files.columns.length, ...granted },
      ip: change.ip,
    });
  });
}

export function deleteDataset(ctx: AppContext, change: Change, name: string) {
  checkDatasetName(name);
  return ctx.data.exclusive(async () => {
    const existing = await findDatasetRow(ctx.db, name);
    if (!existing) throw new NotFound(`There is no dataset named ${name}`);
    await ctx.db.transaction(async (tx) => {
      await deleteDatasetRow(tx, name);
      const grants = await dropGrantsOfDataset(tx, name);
      await ctx.audit.record(tx, {
        actor: actorOf(change.me),
        action: "dataset.delete",
        target: name,
        params: { hash: existing.hash, grants },
        ip: change.ip,
      });
    });
    await ctx.data.refresh(ctx.db);
    await removeFiles(ctx.config.data.datasetsDir, existing.file_id);
  });
}
