// Every SQL statement about datasets (migration 008).
import type { Queryable } from "../../db/database";

export type DatasetRow = {
  name: string;
  file_id: string;
  columns: string;
  row_count: number;
  size_bytes: number;
  hash: string;
  created_at: Date;
  updated_at: Date;
  uploaded_by: string | null;
};

const COLUMNS = "name, file_id, columns, row_count, size_bytes, hash, created_at, updated_at, uploaded_by";

export function listDatasetRows(q: Queryable): Promise<DatasetRow[]> {
  return q.query<DatasetRow>(`SELECT ${COLUMNS} FROM datasets ORDER BY name`);
}

export async function findDatasetRow(q: Queryable, name: string): Promise<DatasetRow | null> {
  const [row] = await q.query<DatasetRow>(`SELECT ${COLUMNS} FROM datasets WHERE name = $1`, [name]);
  return row ?? null;
}

export async function insertDatasetRow(q: Queryable, row: DatasetRow): Promise<void> {
  await q.run(`INSERT INTO datasets (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
    row.name,
    row.file_id,
    row.columns,
    row.row_count,
    row.size_bytes,
    row.hash,
    row.created_at,
    row.updated_at,
    row.uploaded_by,
  ]);
}

export async function replaceDatasetRow(q: Queryable, row: Omit<DatasetRow, "created_at">): Promise<void> {
  await q.run("UPDATE datasets SET file_id = $2, columns = $3, row_count = $4, size_bytes = $5, hash = $6, updated_at = $7, uploaded_by = $8 WHERE name = $1", [
    row.name,
    row.file_id,
    row.columns,
    row.row_count,
    row.size_bytes,
    row.hash,
    row.updated_at,
    row.uploaded_by,
  ]);
}

export async function deleteDatasetRow(q: Queryable, name: string): Promise<void> {
  await q.run("DELETE FROM datasets WHERE name = $1", [name]);
}
