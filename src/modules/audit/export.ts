// GET /api/audit?format=csv|ndjson: the whole filtered trail as a download. The body is a pull
// stream: the next batch of 2,000 entries (keyset paging, audit/repository.ts) is read only when the
// client has taken the previous one, so memory stays at one batch whatever the trail's size.
import type { AppContext } from "../../context";
import type { ReadableAuditEntry } from "../../shared/activity";
import { csvField } from "../../shared/csv";
import type { AuditSelection } from "./service";
import { describeEntries } from "./readable";

export type AuditExportFormat = "csv" | "ndjson";

const CSV_COLUMNS = [
  "id",
  "created_at",
  "actor_id",
  "actor_email",
  "actor",
  "action",
  "target",
  "target_label",
  "sentence",
  "params",
  "ip",
  "token_id",
] as const;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab/CR) as a formula, and names and
 * emails in the trail are chosen by users: such text gets a leading apostrophe (OWASP's advice for
 * CSV injection). Ids, times and JSON never start with those characters.
 */
function cell(value: unknown): string {
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return csvField(text);
}

function csvLine(e: ReadableAuditEntry): string {
  const values = [
    e.id,
    e.created_at,
    e.actor_id,
    e.actor_email,
    e.actor_label,
    e.action,
    e.target,
    e.target_label,
    e.sentence,
    JSON.stringify(e.params),
    e.ip,
    e.token_id,
  ];
  return `${values.map(cell).join(",")}\r\n`;
}

const ndjsonLine = (e: ReadableAuditEntry) => `${JSON.stringify(e)}\n`;

export function auditExport(ctx: AppContext, selection: AuditSelection, format: AuditExportFormat, now: Date): Response {
  const encoder = new TextEncoder();
  const batches = ctx.audit.entries(ctx.db, selection);
  const line = format === "csv" ? csvLine : ndjsonLine;
  let header = format === "csv" ? `${CSV_COLUMNS.join(",")}\r\n` : "";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await batches.next();
      const text = header + (next.done ? "" : describeEntries(ctx, next.value).map(line).join(""));
      header = "";
      if (text) controller.enqueue(encoder.encode(text));
      if (next.done) controller.close();
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const stamp = now.toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "content-disposition": `attachment; filename="agnes-audit-${stamp}.${format === "csv" ? "csv" : "ndjson"}"`,
      "cache-control": "no-store",
    },
  });
}
