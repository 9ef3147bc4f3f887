// How many bytes of strings and blobs a result chunk holds, read from DuckDB's 16-byte string
// headers (length first) without turning a single value into JavaScript. DuckDB's memory_limit does
// not bound a value built by a function: `SELECT repeat('x', 2000000000)` succeeds at a 256 MB limit,
// and converting it took this process to 6 GB of memory (measured). So the query service checks
// each chunk here before converting it, and refuses a result past its byte bound.
import duckdb from "@duckdb/node-bindings";
import type { DuckDBDataChunk } from "@duckdb/node-api";

const STRING_TYPES = new Set([duckdb.Type.VARCHAR, duckdb.Type.BLOB, duckdb.Type.BIT]);
const STRING_HEADER_BYTES = 16;

/** Bytes of every string, blob and bit value in the chunk, nested ones (lists, structs, maps, arrays) too. */
export function stringBytesOf(chunk: DuckDBDataChunk): number {
  let total = 0;
  for (let column = 0; column < chunk.columnCount; column++) {
    total += vectorBytes(duckdb.data_chunk_get_vector(chunk.chunk, column), chunk.rowCount);
  }
  return total;
}

function vectorBytes(vector: duckdb.Vector, rows: number): number {
  if (rows === 0) return 0;
  const type = duckdb.vector_get_column_type(vector);
  const id = duckdb.get_type_id(type);
  if (STRING_TYPES.has(id)) return stringBytes(vector, rows);
  if (id === duckdb.Type.LIST || id === duckdb.Type.MAP) {
    return vectorBytes(duckdb.list_vector_get_child(vector), duckdb.list_vector_get_size(vector));
  }
  if (id === duckdb.Type.ARRAY) {
    return vectorBytes(duckdb.array_vector_get_child(vector), rows * duckdb.array_type_array_size(type));
  }
  if (id === duckdb.Type.STRUCT || id === duckdb.Type.UNION) {
    let total = 0;
    for (let i = 0; i < duckdb.struct_type_child_count(type); i++) total += vectorBytes(duckdb.struct_vector_get_child(vector, i), rows);
    return total;
  }
  return 0;
}

function stringBytes(vector: duckdb.Vector, rows: number): number {
  const data = duckdb.vector_get_data(vector, rows * STRING_HEADER_BYTES);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  let total = 0;
  for (let row = 0; row < rows; row++) {
    if (duckdb.validity_row_is_valid(validity, row)) total += view.getUint32(row * STRING_HEADER_BYTES, true);
  }
  return total;
}
