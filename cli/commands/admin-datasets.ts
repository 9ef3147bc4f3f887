// `da admin datasets load|list|delete`: the server's datasets (admin role), over /api/datasets. A
// load streams the file as the request body (read from disk as it is sent, never whole), CSV or
// Parquet; on a terminal a progress bar counts the bytes as they go.
import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { DatasetInfo } from "../../src/shared/contract";
import { JSON_FLAG, YES_FLAG, type Group } from "../command";
import type { Context } from "../context";
import { CliError, UsageError } from "../errors";
import { done, formatTime, info, printJson, printTable, success } from "../output";
import { countedStream, progressBar } from "../progress";
import { grantDataset } from "./admin-groups";

const UPLOAD_TIMEOUT_MS = 60 * 60_000;

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function loadDataset(ctx: Context): Promise<void> {
  const path = ctx.args[0]!;
  const name = ctx.flag("name");
  if (!name) throw new UsageError("missing --name", "da admin datasets load sales.csv --name sales");
  if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`${path} is not a file`);
  const file = Bun.file(path);
  const contentType = path.toLowerCase().endsWith(".parquet") ? "application/vnd.apache.parquet" : "text/csv";
  const replace = ctx.flags.replace === true;
  const api = ctx.api();
  const options = { raw: { body: uploadBody(file, path, ctx.json), contentType }, timeoutMs: UPLOAD_TIMEOUT_MS };
  const dataset = replace
    ? await api.request<DatasetInfo>("PUT", `/api/datasets/${encodeURIComponent(name)}`, options)
    : await api.request<DatasetInfo>("POST", "/api/datasets", { ...options, query: { name } });
  if (ctx.json) return printJson(dataset);
  success(
    `${replace ? "Replaced" : "Loaded"} ${dataset.name}: ${dataset.rows} rows, ${dataset.columns.length} columns (${size(dataset.size_bytes)} as Parquet)`,
  );
}

/**
 * The file as Bun sends it from disk (a pipe, --json: no bar), or on a terminal the same bytes
 * through a counting stream; chunked then, which the server's streamed upload takes as it comes.
 */
function uploadBody(file: ReturnType<typeof Bun.file>, path: string, quiet: boolean): BodyInit {
  const bar = progressBar(`Uploading ${basename(path)}`, file.size, { quiet });
  if (!bar) return file;
  return countedStream(file.stream(), bar, () => info(`Sent ${size(file.size)}; the server is loading it…`));
}

async function listDatasets(ctx: Context): Promise<void> {
  const datasets = await ctx.api().get<DatasetInfo[]>("/api/datasets");
  if (ctx.json) return printJson(datasets);
  printTable(
    datasets,
    [
      { header: "NAME", value: (d) => d.name },
      { header: "ROWS", value: (d) => String(d.rows) },
      { header: "COLUMNS", value: (d) => String(d.columns.length) },
      { header: "SIZE", value: (d) => size(d.size_bytes) },
      { header: "UPDATED", value: (d) => formatTime(d.updated_at) },
      { header: "BY", value: (d) => d.uploaded_by ?? "" },
    ],
    "No datasets yet.",
  );
}

async function deleteDataset(ctx: Context): Promise<void> {
  const name = ctx.args[0]!;
  if (ctx.flags.yes !== true) throw new UsageError(`deleting ${name} cannot be undone`, `run \`da admin datasets delete ${name} --yes\``);
  await ctx.api().delete(`/api/datasets/${encodeURIComponent(name)}`);
  done(ctx.json, `Deleted ${name}`, { deleted: true, name });
}

export const adminDatasetsGroup: Group = {
  kind: "group",
  name: "datasets",
  summary: "The server's datasets: load (CSV or Parquet), list, delete, grant",
  children: [
    {
      kind: "command",
      name: "load",
      summary: "Upload a CSV or Parquet file as a dataset",
      args: "<file>",
      minArgs: 1,
      maxArgs: 1,
      flags: {
        name: { type: "string", valueName: "name", description: "the dataset's name: a-z, 0-9 and _, starting with a letter" },
        replace: { type: "boolean", description: "replace the dataset of that name" },
        ...JSON_FLAG,
      },
      run: loadDataset,
    },
    { kind: "command", name: "list", summary: "List datasets", maxArgs: 0, flags: JSON_FLAG, run: listDatasets },
    {
      kind: "command",
      name: "delete",
      summary: "Delete a dataset (needs --yes)",
      args: "<name>",
      minArgs: 1,
      maxArgs: 1,
      flags: { ...YES_FLAG, ...JSON_FLAG },
      run: deleteDataset,
    },
    {
      kind: "command",
      name: "grant",
      summary: "Set who may read a dataset: exactly the groups given (admins always may)",
      args: "<name>",
      minArgs: 1,
      maxArgs: 1,
      flags: {
        group: { type: "string", valueName: "group", multiple: true, description: "a group's name or id (repeat, or comma-separate, for several)" },
        none: { type: "boolean", description: "no group: admins only" },
        ...JSON_FLAG,
      },
      run: grantDataset,
    },
  ],
};
