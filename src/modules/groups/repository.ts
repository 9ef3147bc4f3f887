// Every SQL statement about groups, memberships and dataset grants (migration 009). Writes take a
// Transaction and register their exact effect on the in-memory auth state (src/auth/group-access.ts).
import type { Queryable, Transaction } from "../../db/database";
import { authEffects } from "../../auth/auth-effects";
import type { AuthGrant, AuthGroup, AuthMembership } from "../../auth/group-access";

export type GroupRow = { id: string; name: string; description: string; source: string; created_at: Date; member_count: number };
export type MemberRow = { group_id: string; user_id: string; source: string; created_at: Date };
export type GrantRow = { dataset: string; group_id: string; created_at: Date };

const GROUP_COLUMNS = `g.id, g.name, g.description, g.source, g.created_at,
  (SELECT count(*) FROM group_members m WHERE m.group_id = g.id)::INTEGER AS member_count`;

export function listGroupRows(q: Queryable): Promise<GroupRow[]> {
  return q.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g ORDER BY lower(g.name), g.id`);
}

export async function findGroupRow(q: Queryable, id: string): Promise<GroupRow | null> {
  const [row] = await q.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = $1`, [id]);
  return row ?? null;
}

/** Names are unique per source, without regard to case. */
export async function findGroupByName(q: Queryable, source: string, name: string): Promise<GroupRow | null> {
  const [row] = await q.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.source = $1 AND lower(g.name) = lower($2)`, [source, name]);
  return row ?? null;
}

export async function insertGroup(tx: Transaction, row: Omit<GroupRow, "member_count">): Promise<void> {
  await tx.run("INSERT INTO groups (id, name, description, source, created_at) VALUES ($1, $2, $3, $4, $5)", [
    row.id,
    row.name,
    row.description,
    row.source,
    row.created_at,
  ]);
  authEffects(tx).putGroup({ id: row.id, name: row.name, source: row.source });
}

export async function updateGroup(tx: Transaction, row: { id: string; name: string; description: string; source: string }): Promise<void> {
  await tx.run("UPDATE groups SET name = $2, description = $3 WHERE id = $1", [row.id, row.name, row.description]);
  authEffects(tx).putGroup({ id: row.id, name: row.name, source: row.source });
}

export async function deleteGroupRow(tx: Transaction, id: string): Promise<void> {
  await tx.run("DELETE FROM groups WHERE id = $1", [id]);
  authEffects(tx).removeGroup(id);
}

export function listMemberRows(q: Queryable, groupId: string): Promise<MemberRow[]> {
  return q.query<MemberRow>("SELECT group_id, user_id, source, created_at FROM group_members WHERE group_id = $1 ORDER BY created_at, user_id", [groupId]);
}

export async function findMember(q: Queryable, groupId: string, userId: string): Promise<MemberRow | null> {
  const [row] = await q.query<MemberRow>("SELECT group_id, user_id, source, created_at FROM group_members WHERE group_id = $1 AND user_id = $2", [
    groupId,
    userId,
  ]);
  return row ?? null;
}

export function listMembershipsOf(q: Queryable, userId: string): Promise<MemberRow[]> {
  return q.query<MemberRow>("SELECT group_id, user_id, source, created_at FROM group_members WHERE user_id = $1", [userId]);
}

export async function insertMember(tx: Transaction, row: MemberRow): Promise<void> {
  await tx.run("INSERT INTO group_members (group_id, user_id, source, created_at) VALUES ($1, $2, $3, $4)", [
    row.group_id,
    row.user_id,
    row.source,
    row.created_at,
  ]);
  authEffects(tx).putMembership({ groupId: row.group_id, userId: row.user_id, source: row.source });
}

export async function deleteMember(tx: Transaction, groupId: string, userId: string): Promise<void> {
  await tx.run("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2", [groupId, userId]);
  authEffects(tx).removeMembership(groupId, userId);
}

/** Returns how many memberships went. */
export async function deleteMembersOfGroup(tx: Transaction, groupId: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM group_members WHERE group_id = $1", [groupId]);
  await tx.run("DELETE FROM group_members WHERE group_id = $1", [groupId]);
  authEffects(tx).removeMembershipsOfGroup(groupId);
  return row?.n ?? 0;
}

export async function deleteMembershipsOfUser(tx: Transaction, userId: string): Promise<void> {
  await tx.run("DELETE FROM group_members WHERE user_id = $1", [userId]);
  authEffects(tx).removeMembershipsOfUser(userId);
}

export function listGrantsOf(q: Queryable, dataset: string): Promise<GrantRow[]> {
  return q.query<GrantRow>("SELECT dataset, group_id, created_at FROM dataset_grants WHERE dataset = $1 ORDER BY group_id", [dataset]);
}

export async function insertGrant(tx: Transaction, row: GrantRow): Promise<void> {
  await tx.run("INSERT INTO dataset_grants (dataset, group_id, created_at) VALUES ($1, $2, $3)", [row.dataset, row.group_id, row.created_at]);
  authEffects(tx).putGrant({ dataset: row.dataset, groupId: row.group_id });
}

export async function deleteGrant(tx: Transaction, dataset: string, groupId: string): Promise<void> {
  await tx.run("DELETE FROM dataset_grants WHERE dataset = $1 AND group_id = $2", [dataset, groupId]);
  authEffects(tx).removeGrant(dataset, groupId);
}

export async function deleteGrantsOfDataset(tx: Transaction, dataset: string): Promise<void> {
  await tx.run("DELETE FROM dataset_grants WHERE dataset = $1", [dataset]);
  authEffects(tx).removeGrantsOfDataset(dataset);
}

/** Returns how many grants went. */
export async function deleteGrantsOfGroup(tx: Transaction, groupId: string): Promise<number> {
  const [row] = await tx.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM dataset_grants WHERE group_id = $1", [groupId]);
  await tx.run("DELETE FROM dataset_grants WHERE group_id = $1", [groupId]);
  authEffects(tx).removeGrantsOfGroup(groupId);
  return row?.n ?? 0;
}

/** What the auth state holds about groups, read as createContext loads it. */
export async function readGroupRecordRows(q: Queryable): Promise<{ groups: AuthGroup[]; memberships: AuthMembership[]; grants: AuthGrant[] }> {
  const groups = await q.query<AuthGroup>("SELECT id, name, source FROM groups");
  const memberships = await q.query<AuthMembership>('SELECT group_id AS "groupId", user_id AS "userId", source FROM group_members');
  const grants = await q.query<AuthGrant>('SELECT dataset, group_id AS "groupId" FROM dataset_grants');
  return { groups, memberships, grants };
}

/** Every group one identity provider keeps in step. */
export function listGroupsOfSource(q: Queryable, source: string): Promise<GroupRow[]> {
  return q.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.source = $1`, [source]);
}
