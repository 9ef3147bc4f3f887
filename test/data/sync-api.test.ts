// GET /api/sync/manifest and GET /api/data/{name}/download through app.handle: the manifest's
// fields, the Parquet bytes against the hash, ETag/If-None-Match, byte ranges and If-Range.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createTestApp, type TestApp } from "../helpers/app";
import type { SyncManifest } from "../../src/shared/contract";
import { patFor, storeCsv } from "./helpers";

let t: TestApp;
let pat: string;
beforeAll(async () => {
  t = await createTestApp();
  pat = await patFor(t, await t.login());
  await storeCsv(t, "sales", `region,amount\n${Array.from({ length: 2000 }, (_, i) => `r${i % 7},${i}`).join("\n")}\n`);
  await storeCsv(t, "tiny", "x\n1\n");
});
afterAll(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) => t.handle(path, { headers: { authorization: `Bearer ${pat}`, ...headers } });
const sha256 = (bytes: ArrayBuffer) => createHash("sha256").update(new Uint8Array(bytes)).digest("hex");

test("the manifest lists each readable dataset with hash, rows, size, updated_at and columns", async () => {
  const res = await get("/api/sync/manifest");
  expect(res.status).toBe(200);
  const { tables } = (await res.json()) as SyncManifest;
  expect(Object.keys(tables).sort()).toEqual(["sales", "tiny"]);
  expect(tables.sales).toMatchObject({
    rows: 2000,
    columns: [
      { name: "region", type: "VARCHAR" },
      { name: "amount", type: "BIGINT" },
    ],
  });
  expect(tables.sales!.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(new Date(tables.sales!.updated_at).toISOString()).toBe(tables.sales!.updated_at);
  expect((await t.handle("/api/sync/manifest")).status).toBe(401);
});

test("download: the Parquet bytes hash to the manifest's hash; ETag, Content-Length, 304", async () => {
  const { tables } = (await (await get("/api/sync/manifest")).json()) as SyncManifest;
  const res = await get("/api/data/sales/download");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
  expect(res.headers.get("etag")).toBe(`"${tables.sales!.hash}"`);
  expect(res.headers.get("accept-ranges")).toBe("bytes");
  const bytes = await res.arrayBuffer();
  expect(res.headers.get("content-length")).toBe(String(bytes.byteLength));
  expect(bytes.byteLength).toBe(tables.sales!.size_bytes);
  expect(sha256(bytes)).toBe(tables.sales!.hash);
  expect(Buffer.from(bytes.slice(0, 4)).toString()).toBe("PAR1");
  expect((await get("/api/data/sales/download", { "if-none-match": `"${tables.sales!.hash}"` })).status).toBe(304);
  expect((await get("/api/data/sales/download", { "if-none-match": '"other"' })).status).toBe(200);
});

test("ranges resume a download; If-Range with an old ETag sends it all; past the end is 416", async () => {
  const whole = await (await get("/api/data/sales/download")).arrayBuffer();
  const etag = `"${sha256(whole)}"`;
  const part = await get("/api/data/sales/download", { range: "bytes=100-", "if-range": etag });
  expect(part.status).toBe(206);
  expect(part.headers.get("content-range")).toBe(`bytes 100-${whole.byteLength - 1}/${whole.byteLength}`);
  const rest = await part.arrayBuffer();
  expect(Buffer.from(rest).equals(Buffer.from(whole.slice(100)))).toBe(true);
  const stale = await get("/api/data/sales/download", { range: "bytes=100-", "if-range": '"an-older-hash"' });
  expect(stale.status).toBe(200);
  expect((await stale.arrayBuffer()).byteLength).toBe(whole.byteLength);
  const past = await get("/api/data/sales/download", { range: `bytes=${whole.byteLength}-` });
  expect(past.status).toBe(416);
  expect(past.headers.get("content-range")).toBe(`bytes */${whole.byteLength}`);
});

test("unknown datasets and path tricks are 404, anonymous 401", async () => {
  expect((await get("/api/data/nothing/download")).status).toBe(404);
  expect((await get("/api/data/..%2Fstate/download")).status).toBe(404);
  expect((await t.handle("/api/data/sales/download")).status).toBe(401);
});
