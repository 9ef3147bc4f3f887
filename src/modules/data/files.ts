// A dataset's files under DATASETS_DIR, named by a file id that changes on every upload:
// `<id>.parquet` is what downloads and `da sync` get (its SHA-256 is the dataset's hash and ETag),
// `<id>.duckdb` is the same data as a read-only DuckDB file the query sandbox attaches. An upload
// is converted by a DuckDB instance of its own (never the user sandbox, never the system
// database), confined to DATASETS_DIR and locked like the sandbox: the SQL is ours, the file is not.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { BadRequest } from "../../shared/errors";
import { withoutPaths } from "./query-errors";

export type DatasetColumn = { name: string; type: string };
export type StoredFiles = { fileId: string; columns: DatasetColumn[]; rows: number; sizeBytes: number; hash: string };

export const parquetFile = (dir: string, fileId: string) => join(dir, `${fileId}.parquet`);
export const duckdbFile = (dir: string, fileId: string) => join(dir, `${fileId}.duckdb`);
/** Where uploads are streamed before conversion (inside DATASETS_DIR, so on the same disk). */
export const uploadDir = (dir: string) => join(dir, ".uploads");

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

export async function newUploadPath(dir: string): Promise<string> {
  await mkdir(uploadDir(dir), { recursive: true, mode: 0o700 });
  return join(uploadDir(dir), `${randomBytes(12).toString("hex")}.upload`);
}

/** Converts an uploaded CSV or Parquet file into the dataset's two files; the upload is left alone. */
export async function convertUpload(dir: string, name: string, upload: string, memoryMb: number): Promise<StoredFiles> {
  const fileId = `${name}.${randomBytes(8).toString("hex")}`;
  const parquet = parquetFile(dir, fileId);
  const duckdb = duckdbFile(dir, fileId);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await confine(connection, dir, memoryMb);
    const source = (await isParquet(upload)) ? `read_parquet(${literal(upload)})` : `read_csv(${literal(upload)}, auto_detect = true)`;
    await connection.run(`COPY (SELECT * FROM ${source}) TO ${literal(parquet)} (FORMAT parquet, COMPRESSION zstd)`);
    await connection.run(`ATTACH ${literal(duckdb)} AS converted`);
    await connection.run(`CREATE TABLE converted.data AS SELECT * FROM read_parquet(${literal(parquet)})`);
    await connection.run("DETACH converted");
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${literal(parquet)})`);
    const columns = described.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const counted = await connection.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${literal(parquet)})`);
    const rows = Number(counted.getRowObjectsJS()[0]!.n);
    const { size } = await stat(parquet);
    return { fileId, columns, rows, sizeBytes: size, hash: await sha256(parquet) };
  } catch (error) {
    await removeFiles(dir, fileId);
    throw new BadRequest(`The file could not be read as CSV or Parquet: ${withoutPaths((error as Error).message, [dir])}`.slice(0, 1000));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function confine(connection: DuckDBConnection, dir: string, memoryMb: number): Promise<void> {
  const tmp = join(dir, ".tmp");
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  for (const statement of [
    `SET memory_limit = '${memoryMb}MB'`,
    `SET temp_directory = ${literal(tmp)}`,
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    `SET allowed_directories = [${literal(dir.endsWith("/") ? dir : `${dir}/`)}]`,
    "SET enable_external_access = false",
    "SET lock_configuration = true",
  ]) {
    await connection.run(statement);
  }
}

/** Parquet files begin and end with `PAR1`; anything else is read as CSV. */
async function isParquet(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size < 8) return false;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, size - 4);
    return head.toString("latin1") === "PAR1" && tail.toString("latin1") === "PAR1";
  } finally {
    await handle.close();
  }
}

export async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function removeFiles(dir: string, fileId: string): Promise<void> {
  await rm(parquetFile(dir, fileId), { force: true });
  await rm(duckdbFile(dir, fileId), { force: true });
  await rm(`${duckdbFile(dir, fileId)}.wal`, { force: true });
}
