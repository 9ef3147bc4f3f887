// DuckDB values → JSON for POST /api/query. DuckDB's own JSON conversion (getRowsJson) writes
// 64-bit and larger integers and decimals as strings so that nothing loses precision; numbers a
// client can take exactly are written as numbers (`SELECT count(*)` answers 3, not "3"), the rest
// stay strings.
import { DuckDBTypeId, type DuckDBType, type Json } from "@duckdb/node-api";

const WIDE_INTEGERS = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);

/** Per column: how to turn DuckDB's JSON value into the answer's value. */
export function columnConverters(types: DuckDBType[]): ((value: Json) => unknown)[] {
  return types.map((type) => {
    if (WIDE_INTEGERS.has(type.typeId)) return integerValue;
    if (type.typeId === DuckDBTypeId.DECIMAL) return decimalValue;
    return (value: Json) => value;
  });
}

function integerValue(value: Json): unknown {
  if (typeof value !== "string") return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

function decimalValue(value: Json): unknown {
  if (typeof value !== "string") return value;
  const n = Number(value);
  // 15 significant digits always survive a double.
  return value.replace(/[-.]/g, "").replace(/^0+/, "").length <= 15 && Number.isFinite(n) ? n : value;
}
