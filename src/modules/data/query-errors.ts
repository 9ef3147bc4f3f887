// What a failed user query answers. DuckDB's message is the useful part ("Catalog Error: Table
// with name x does not exist!"), but it can name files (a refused read_text, an attached dataset),
// so every absolute path in it is replaced before it reaches the client.
import type { Config } from "../../config";
import { HttpError } from "../../shared/errors";
import type { QueryResult } from "../metrics/registry";

export class QueryFailed extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly result: QueryResult,
  ) {
    super(status, message);
  }
}

// A quoted string containing a slash or a backslash (DuckDB quotes file names), and any bare
// absolute or home-relative path after a space, quote, parenthesis or `=`.
const QUOTED_PATH = /(["'])[^"'\n]*[/\\][^"'\n]*\1/g;
const BARE_PATH = /(^|[\s("'=])(~|\/)[\w.~-]*(\/[\w.~-]*)*/g;

export function withoutPaths(message: string, hidden: string[]): string {
  let text = message;
  for (const dir of hidden) if (dir.length > 1) text = text.split(dir).join("<path>");
  return text.replace(QUOTED_PATH, "$1<path>$1").replace(BARE_PATH, "$1<path>");
}

export function queryTimedOut(seconds: number): QueryFailed {
  return new QueryFailed(408, `The query ran longer than ${seconds} s (QUERY_TIMEOUT_S) and was stopped`, "timeout");
}

/** A DuckDB error from running user SQL → the refusal the client sees. */
export function queryFailure(error: unknown, config: Pick<Config, "dataDir" | "data">): QueryFailed {
  const raw = error instanceof Error ? error.message : String(error);
  const message = withoutPaths(raw, [config.data.datasetsDir, config.dataDir]).slice(0, 2000);
  if (/^INTERRUPT Error/.test(raw)) return queryTimedOut(config.data.queryTimeoutSeconds);
  if (/^Out of Memory Error/.test(raw)) {
    return new QueryFailed(413, `The query needs more memory than ${config.data.queryMemoryMb} MB (QUERY_MEMORY_MB): ${message}`, "too_large");
  }
  if (/^Permission Error/.test(raw)) return new QueryFailed(403, message, "refused");
  return new QueryFailed(400, message, "error");
}
