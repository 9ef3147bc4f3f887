// Which groups may read a dataset. Public to the data module: a new dataset gets the grant
// DATASET_DEFAULT_GRANT says (Everyone, or none: admins only until they grant it), and a deleted
// one loses its grants, each in the dataset's own transaction. Changing grants runs inside the data
// module's one-at-a-time lane (ctx.data.exclusive), so it never grants a dataset being deleted.
import type { AppContext } from "../../context";
import type { Transaction } from "../../db/database";
import { BadRequest, NotFound } from "../../shared/errors";
import { EVERYONE_ID, type DatasetGrants } from "../../shared/groups";
import { assertStillAdmin, type AdminCall } from "../users/service";
import { deleteGrant, deleteGrantsOfDataset, findGroupRow, insertGrant, listGrantsOf } from "./repository";

/** How many groups one PUT may name. */
export const MAX_GRANTS = 1000;

function grantsAnswer(ctx: AppContext, dataset: string, groupIds: string[]): DatasetGrants {
  const groups = groupIds
    .map((id) => ctx.authState.groups.group(id))
    .filter((g) => g !== undefined)
    .map((g) => ({ id: g.id, name: g.name, source: g.source }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { dataset, groups };
}

function assertDataset(ctx: AppContext, name: string): void {
  if (!ctx.data.all().some((row) => row.name === name)) throw new NotFound(`There is no dataset named ${name}`);
}

/** For /admin/datasets: every dataset's granted groups, by name. */
export function datasetReaders(ctx: AppContext): Record<string, string[]> {
  return Object.fromEntries(
    ctx.data.all().map((row) => [row.name, grantsAnswer(ctx, row.name, ctx.authState.groups.grantsOf(row.name)).groups.map((g) => g.name)]),
  );
}

export function datasetGrants(ctx: AppContext, name: string): DatasetGrants {
  assertDataset(ctx, name);
  return grantsAnswer(ctx, name, ctx.authState.groups.grantsOf(name));
}

/** Replaces the dataset's grants with `groupIds` (every one must exist); audited with what was added and removed. */
export function setGrants(ctx: AppContext, call: AdminCall, name: string, groupIds: string[]): Promise<DatasetGrants> {
  const wanted = [...new Set(groupIds)];
  if (wanted.length > MAX_GRANTS) throw new BadRequest(`At most ${MAX_GRANTS} groups`);
  return ctx.data.exclusive(async () => {
    assertDataset(ctx, name);
    await ctx.db.transaction(async (tx) => {
      await assertStillAdmin(tx, call);
      for (const id of wanted) if (!(await findGroupRow(tx, id))) throw new BadRequest(`There is no group with id ${id}`);
      const current = (await listGrantsOf(tx, name)).map((g) => g.group_id);
      const added = wanted.filter((id) => !current.includes(id));
      const removed = current.filter((id) => !wanted.includes(id));
      if (added.length + removed.length === 0) return;
      for (const id of removed) await deleteGrant(tx, name, id);
      for (const id of added) await insertGrant(tx, { dataset: name, group_id: id, created_at: ctx.clock.now() });
      await ctx.audit.record(tx, { actor: call.actor, action: "dataset.grant", target: name, params: { groups: wanted, added, removed }, ip: call.ip });
    });
    return grantsAnswer(ctx, name, ctx.authState.groups.grantsOf(name));
  });
}

/** A new dataset's grant, in its creating transaction: Everyone, or none (DATASET_DEFAULT_GRANT). Returns the groups granted. */
export async function grantNewDataset(ctx: AppContext, tx: Transaction, name: string): Promise<string[]> {
  await deleteGrantsOfDataset(tx, name); // nothing should be left from a dataset of that name, but never inherit a grant
  if (ctx.config.data.defaultGrant !== "everyone") return [];
  await insertGrant(tx, { dataset: name, group_id: EVERYONE_ID, created_at: ctx.clock.now() });
  return [EVERYONE_ID];
}

/** A deleted dataset's grants go with it; returns how many. */
export async function dropGrantsOfDataset(tx: Transaction, name: string): Promise<number> {
  const count = (await listGrantsOf(tx, name)).length;
  await deleteGrantsOfDataset(tx, name);
  return count;
}
