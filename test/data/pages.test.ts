// /data and /admin/datasets through app.handle, as a browser signed in with the form: the query form
// without JavaScript, escaping of dataset names, columns and values, the CSV download, CSRF, roles,
// the delete confirm step, and the dashboard's links.
import { afterEach, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { storeCsv } from "./helpers";

let t: TestApp;
afterEach(async () => {
  await t.close();
});

const SCRIPT = "<script>alert(1)</script>";

test("/data lists datasets and runs a query from the form; everything dynamic is escaped", async () => {
  t = await createTestApp();
  await storeCsv(t, "sales", `region,"${SCRIPT}"\nnorth,10\n"${SCRIPT}",20\n`);
  await t.createUser("ann@example.com", "ann-password-12", "analyst");
  const ann = await t.browser("ann@example.com", "ann-password-12");
  const page = await (await ann.get("/data")).text();
  expect(page).toContain("sales");
  expect(page).not.toContain(SCRIPT);
  expect(page).toContain("&lt;script&gt;");
  const posted = await ann.post("/data", { sql: `SELECT * FROM sales ORDER BY 2 -- ${SCRIPT}` });
  expect(posted.status).toBe(200);
  expect(posted.headers.get("content-type")).toContain("text/html");
  const result = await posted.text();
  expect(result).toContain("<td>north</td>");
  expect(result).toContain("2 rows in");
  // In cells, headers and the textarea it is text; in the hidden field's double-quoted value it is inert.
  expect(result).toContain("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>");
  expect(result).toContain("<th>&lt;script&gt;alert(1)&lt;/script&gt;</th>");
  expect(result.replace(/value="[^"]*"/g, "")).not.toContain(SCRIPT);
  const refused = await (await ann.post("/data", { sql: "DROP VIEW sales" })).text();
  expect(refused).toContain("Only SELECT queries are allowed");
  const csv = await ann.post("/data/result.csv", { sql: "SELECT region FROM sales ORDER BY region" });
  expect(csv.headers.get("content-type")).toContain("text/csv");
  expect(csv.headers.get("content-disposition")).toContain("attachment");
  expect(await csv.text()).toBe(`region\r\n${SCRIPT}\r\nnorth\r\n`);
  const forged = await ann.raw("/data", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
    body: "sql=SELECT+1",
  });
  expect(forged.status).toBe(403);
  expect((await ann.get("/admin/datasets")).status).toBe(403);
  const dashboard = await (await ann.get("/dashboard")).text();
  expect(dashboard).toContain('href="/data"');
  expect(dashboard).not.toContain('href="/admin/datasets"');
});

test("/admin/datasets lists every dataset and deletes one after the confirm step", async () => {
  t = await createTestApp();
  await storeCsv(t, "sales", "x\n1\n");
  const admin = await t.browser();
  const list = await (await admin.get("/admin/datasets")).text();
  expect(list).toContain("sales");
  expect(list).toContain("da admin datasets load");
  expect(await (await admin.get("/dashboard")).text()).toContain('href="/admin/datasets"');
  const confirm = await (await admin.get("/admin/datasets/sales/delete")).text();
  expect(confirm).toContain("Delete dataset");
  const unconfirmed = await admin.post("/admin/datasets/sales/delete", {});
  expect(unconfirmed.status).toBe(200);
  expect(t.ctx.data.all()).toHaveLength(1);
  const done = await admin.submit("/admin/datasets/sales/delete", { confirm: "yes" });
  expect(done).toContain("Dataset sales deleted.");
  expect(t.ctx.data.all()).toHaveLength(0);
  expect((await admin.get("/admin/datasets/sales/delete")).status).toBe(404);
});

test("/admin/datasets uploads a file through the form (fields first, the file streamed); CSRF and role hold", async () => {
  t = await createTestApp();
  const admin = await t.browser();
  expect(await (await admin.get("/admin/datasets")).text()).toContain('enctype="multipart/form-data"');
  const form = (fields: [string, string | Blob][]) => {
    const data = new FormData();
    for (const [k, v] of fields) {
      if (v instanceof Blob) data.append(k, v, "sales.csv");
      else data.append(k, v);
    }
    return data;
  };
  const send = (cookieOf: typeof admin, data: FormData) =>
    cookieOf.raw("/admin/datasets/upload", { method: "POST", headers: { accept: "text/html" }, body: data });
  const csv = new Blob(["region,amount\nnorth,10\nsouth,20\n"], { type: "text/csv" });
  const done = await admin.follow(
    await send(
      admin,
      form([
        ["_csrf", admin.csrf],
        ["name", "sales"],
        ["file", csv],
      ]),
    ),
  );
  expect(done).toContain("Dataset sales created: 2 rows.");
  const replaced = await admin.follow(
    await send(
      admin,
      form([
        ["_csrf", admin.csrf],
        ["name", "sales"],
        ["replace", "yes"],
        ["file", new Blob(["region\neast\n"])],
      ]),
    ),
  );
  expect(replaced).toContain("Dataset sales replaced: 1 rows.");
  const exists = await admin.follow(
    await send(
      admin,
      form([
        ["_csrf", admin.csrf],
        ["name", "sales"],
        ["file", csv],
      ]),
    ),
  );
  expect(exists).toContain("already exists");
  const badName = await admin.follow(
    await send(
      admin,
      form([
        ["_csrf", admin.csrf],
        ["name", "Bad Name"],
        ["file", csv],
      ]),
    ),
  );
  expect(badName).toContain("lowercase letter");
  expect(
    (
      await send(
        admin,
        form([
          ["name", "nocsrf"],
          ["file", csv],
        ]),
      )
    ).status,
  ).toBe(403);
  expect(
    (
      await send(
        admin,
        form([
          ["file", csv],
          ["_csrf", admin.csrf],
          ["name", "filefirst"],
        ]),
      )
    ).status,
  ).toBe(403); // the file must come last
  await t.createUser("ann@example.com", "ann-password-12", "analyst");
  const ann = await t.browser("ann@example.com", "ann-password-12");
  expect(
    (
      await send(
        ann,
        form([
          ["_csrf", ann.csrf],
          ["name", "mine"],
          ["file", csv],
        ]),
      )
    ).status,
  ).toBe(403);
  expect(t.ctx.data.all().map((d) => d.name)).toEqual(["sales"]);
});
