// The MCP tools. A server is built once and reused (see index.ts); the caller of each request
// reaches the tools through the transport's `authInfo` (callerOf). Each tool needs its scope (hasScope: a
// session or a PAT has all of them) and goes through the data module's public services, the same
// path as the HTTP API: the sandbox, limits, grants (canRead) and the audit of every query.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Principal } from "../../auth/principal";
import { hasScope } from "../../auth/scopes";
import { HttpError } from "../../shared/errors";
import type { TokenScope as Scope } from "../../shared/contract";
import { datasetInfo, listReadable, readableDataset } from "../data/catalog";
import { runJsonQuery, sampleRows } from "../data/query-service";
import { VERSION } from "../../version";
import { textTable } from "./text-table";

/** Rows a `query` answer shows by default, and at most: a model reads text, not megabytes. */
export const DEFAULT_TOOL_ROWS = 100;
export const MAX_TOOL_ROWS = 1000;

const text = (value: string, isError = false): CallToolResult => ({ content: [{ type: "text", text: value }], ...(isError ? { isError } : {}) });

/** Runs a tool body with the scope check and turns our refusals into a tool error the model can read. */
async function guarded(me: Principal, scope: Scope, body: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  if (!hasScope(me, scope)) return text(`This token lacks the ${scope} scope; reconnect the app and allow it.`, true);
  try {
    return await body();
  } catch (error) {
    if (error instanceof HttpError) return text(error.message, true);
    throw error;
  }
}

export type Caller = { me: Principal; ip: string | null };

/** What the transport is handed for a request: the SDK passes it to every tool call of that request. */
export function authInfoOf(caller: Caller): AuthInfo {
  return { token: "", clientId: caller.me.oauth?.clientId ?? "", scopes: [...(caller.me.scopes ?? [])], extra: { caller } };
}

function callerOf(extra: { authInfo?: AuthInfo }): Caller {
  const caller = extra.authInfo?.extra?.caller as Caller | undefined;
  if (!caller) throw new Error("MCP tool called without a caller");
  return caller;
}

export function mcpServer(ctx: AppContext): McpServer {
  const server = new McpServer({ name: "agnes", version: VERSION }, { capabilities: { tools: {} } });
  server.registerTool("whoami", { description: "Who you are connected as: email, name and role." }, (extra) => {
    const { me } = callerOf(extra);
    return guarded(me, "profile:read", () => text(JSON.stringify({ email: me.user.email, name: me.user.name, role: me.user.role, via: me.via })));
  });
  server.registerTool("list_datasets", { description: "The datasets you may query: name, columns, rows and when each was updated." }, (extra) => {
    const { me } = callerOf(extra);
    return guarded(me, "sync", () => {
      const rows = listReadable(ctx, me).map((d) => [d.name, d.columns.map((c) => `${c.name} ${c.type}`).join(", "), d.rows, d.updated_at]);
      return text(rows.length ? textTable(["name", "columns", "rows", "updated"], rows) : "No datasets you may read.");
    });
  });
  server.registerTool(
    "describe_dataset",
    { description: "One dataset's columns with their types, and its first 20 rows.", inputSchema: { name: z.string().max(63).describe("the dataset's name") } },
    ({ name }, extra) =>
      guarded(callerOf(extra).me, "sync", async () => {
        const { me } = callerOf(extra);
        const row = readableDataset(ctx, me, name);
        const info = datasetInfo(ctx, row);
        const sample = await sampleRows(ctx, me, row.name);
        const columns = textTable(
          ["column", "type"],
          info.columns.map((c) => [c.name, c.type]),
        );
        return text(
          `Dataset ${info.name}: ${info.rows} rows, updated ${info.updated_at}.\n\n${columns}\n\nFirst rows:\n${textTable(sample.columns, sample.rows)}`,
        );
      }),
  );
  server.registerTool(
    "query",
    {
      description: "Run one read-only SQL SELECT over the datasets you may read (each dataset is a table of its name).",
      inputSchema: { sql: z.string().min(1).max(100_000).describe("one SELECT statement"), limit: z.number().int().min(1).max(MAX_TOOL_ROWS).optional() },
    },
    ({ sql, limit }, extra) =>
      guarded(callerOf(extra).me, "query", async () => {
        const { me, ip } = callerOf(extra);
        const answer = await runJsonQuery(ctx, me, { sql, limit: limit ?? DEFAULT_TOOL_ROWS, ip });
        const note = answer.truncated ? `\n\n(Only the first ${answer.row_count} rows are shown; add a LIMIT or aggregate for the rest.)` : "";
        return text(`${textTable(answer.columns, answer.rows)}\n\n${answer.row_count} row(s) in ${answer.elapsed_ms} ms.${note}`);
      }),
  );
  return server;
}
