// /api/datasets through app.handle: upload (CSV and Parquet as the raw body), replace, list,
// detail with sample rows, delete, names, size limit, audit, and who may do what.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { createTestApp, type TestApp } from "../helpers/app";
import type { DatasetDetail, DatasetInfo } from "../../src/shared/contract";
import { query } from "./helpers";

let t: TestApp;
afterEach(async () => {
  await t.close();
});

const upload = (method: "POST" | "PUT", path: string, token: string, body: BodyInit, type = "text/csv") =>
  t.handle(path, { method, headers: { authorization: `Bearer ${token}`, "content-type": type, accept: "application/json" }, body });

async function parquetBytes(sql: string): Promise<Blob> {
  const file = join(t.dataDir, `made-${Math.random().toString(36).slice(2)}.parquet`);
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  await connection.run(`COPY (${sql}) TO '${file}' (FORMAT parquet)`);
  connection.closeSync();
  return new Blob([await Bun.file(file).arrayBuffer()]);
}

const filesIn = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith("."));

describe("/api/datasets", () => {
  test("create from CSV, query it, replace from Parquet, list, detail, delete — audited, files follow", async () => {
    t = await createTestApp();
    const admin = await t.login();
    const created = await upload("POST", "/api/datasets?name=sales", admin, "region,amount\nnorth,10\nsouth,20\n");
    expect(created.status).toBe(201);
    const info = (await created.json()) as DatasetInfo;
    expect(info).toMatchObject({
      name: "sales",
      rows: 2,
      uploaded_by: "admin@example.com",
      columns: [
        { name: "region", type: "VARCHAR" },
        { name: "amount", type: "BIGINT" },
      ],
    });
    expect(info.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await (await query(t, admin, "SELECT sum(amount) AS s FROM sales")).json()).rows).toEqual([[30]]);
    const dir = t.ctx.config.data.datasetsDir;
    expect(filesIn(dir).sort()).toEqual([expect.stringMatching(/^sales\.[0-9a-f]{16}\.duckdb$/), expect.stringMatching(/^sales\.[0-9a-f]{16}\.parquet$/)]);

    expect((await upload("POST", "/api/datasets?name=sales", admin, "a\n1\n")).status).toBe(409);
    const replaced = await upload(
      "PUT",
      "/api/datasets/sales",
      admin,
      await parquetBytes("SELECT range AS id FROM range(25)"),
      "application/vnd.apache.parquet",
    );
    expect(replaced.status).toBe(200);
    const after = (await replaced.json()) as DatasetInfo;
    expect(after).toMatchObject({ rows: 25, columns: [{ name: "id", type: "BIGINT" }], created_at: info.created_at });
    expect(after.hash).not.toBe(info.hash);
    expect(filesIn(dir)).toHaveLength(2); // the old files are gone
    expect((await (await query(t, admin, "SELECT count(*) FROM sales")).json()).rows).toEqual([[25]]);

    const list = (await (await t.api("GET", "/api/datasets", { token: admin })).json()) as DatasetInfo[];
    expect(list.map((d) => d.name)).toEqual(["sales"]);
    const detail = (await (await t.api("GET", "/api/datasets/sales", { token: admin })).json()) as DatasetDetail;
    expect(detail.sample.columns).toEqual(["id"]);
    expect(detail.sample.rows).toHaveLength(20);

    expect((await t.api("DELETE", "/api/datasets/sales", { token: admin })).status).toBe(204);
    expect((await query(t, admin, "SELECT * FROM sales")).status).toBe(400);
    expect(filesIn(dir)).toEqual([]);
    expect((await t.api("GET", "/api/datasets/sales", { token: admin })).status).toBe(404);
    expect((await t.api("DELETE", "/api/datasets/sales", { token: admin })).status).toBe(404);
    const actions = await t.ctx.db.query<{ action: string; target: string }>(
      "SELECT action, target FROM audit_log WHERE action LIKE 'dataset.%' ORDER BY created_at, id",
    );
    expect(actions).toEqual([
      { action: "dataset.create", target: "sales" },
      { action: "dataset.replace", target: "sales" },
      { action: "dataset.delete", target: "sales" },
    ]);
  });

  test("analysts read and query but cannot change datasets; anonymous gets 401", async () => {
    t = await createTestApp();
    const admin = await t.login();
    await upload("POST", "/api/datasets?name=shared", admin, "x\n1\n");
    await t.createUser("ann@example.com", "ann-password-12", "analyst");
    const ann = await t.login("ann@example.com", "ann-password-12");
    expect((await upload("POST", "/api/datasets?name=mine", ann, "x\n1\n")).status).toBe(403);
    expect((await upload("PUT", "/api/datasets/shared", ann, "x\n2\n")).status).toBe(403);
    expect((await t.api("DELETE", "/api/datasets/shared", { token: ann })).status).toBe(403);
    expect(((await (await t.api("GET", "/api/datasets", { token: ann })).json()) as DatasetInfo[]).map((d) => d.name)).toEqual(["shared"]);
    expect((await t.api("GET", "/api/datasets")).status).toBe(401);
    const anonymous = await t.handle("/api/datasets?name=evil", { method: "POST", headers: { "content-type": "text/csv" }, body: "x\n1\n" });
    expect(anonymous.status).toBe(401);
    expect(filesIn(t.ctx.config.data.datasetsDir)).toHaveLength(2);
  });

  test("bad names, bad files, empty and oversized uploads are refused and leave nothing behind", async () => {
    t = await createTestApp({ env: { DATASET_MAX_MB: "1" } });
    const admin = await t.login();
    for (const name of ["", "Sales", "1x", "a-b", "x".repeat(64), "..", "ü"]) {
      const res = await upload("POST", `/api/datasets?name=${encodeURIComponent(name)}`, admin, "x\n1\n");
      expect([name, res.status]).toEqual([name, 400]);
    }
    const garbage = new Blob(["PAR1", new Uint8Array([1, 2, 3, 4, 5, 6]), "PAR1"]);
    const bad = await upload("POST", "/api/datasets?name=bad", admin, garbage, "application/octet-stream");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/could not be read/);
    expect((await upload("POST", "/api/datasets?name=empty", admin, "")).status).toBe(400);
    const big = await upload("POST", "/api/datasets?name=big", admin, `x\n${"1\n".repeat(600_000)}`);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { detail: string }).detail).toMatch(/DATASET_MAX_MB/);
    const wrongType = await t.api("POST", "/api/datasets?name=json", { token: admin, body: { x: 1 } });
    expect(wrongType.status).toBe(400);
    const dir = t.ctx.config.data.datasetsDir;
    expect(filesIn(dir)).toEqual([]);
    expect(existsSync(join(dir, ".uploads")) ? readdirSync(join(dir, ".uploads")) : []).toEqual([]);
    expect((await t.api("GET", "/api/datasets", { token: admin })).status).toBe(200);
  });

  test("other routes keep their caps: a CSV body to /api/users is refused by the parser", async () => {
    t = await createTestApp();
    const admin = await t.login();
    const res = await upload("POST", "/api/users", admin, "x".repeat(100_000));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/larger than this route accepts/);
  });
});
