// The readable audit trail: sentences with names on /admin/audit, filters by person, action and
// time range, and the streamed exports (CSV read back by csv-parse, JSON Lines line by line) of
// exactly what the JSON list returns for the same filters.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parse } from "csv-parse/sync";
import { createTestApp, type TestApp } from "../helpers/app";
import type { AuditEntry } from "../../src/shared/contract";
import type { ReadableAuditEntry } from "../../src/shared/activity";

let t: TestApp;
let admin: string;
let katId: string;
let start: Date;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login();
  start = t.clock.now();
  katId = await t.createUser("kat@example.com", "kat-password-1", "viewer", "Katarzyna");
  t.clock.advance(2 * DAY);
  admin = await t.login(); // the first session expired with the two days
  await t.api("PATCH", `/api/users/${katId}`, { token: admin, body: { role: "analyst" } });
  await t.createUser("formula@example.com", "formula-pass-1", "viewer", '=HYPERLINK("http://evil","x"), "quoted"\nline');
});
afterAll(() => t.close());

const get = (path: string) => t.api("GET", path, { token: admin });

async function jsonList(query: string): Promise<AuditEntry[]> {
  const res = await get(`/api/audit?limit=500&${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as AuditEntry[];
}

describe("/admin/audit reads as sentences", () => {
  test("names instead of ids, ids only in the title and the details", async () => {
    const b = await t.browser();
    const html = await (await b.get(`/admin/audit?person=${katId}`)).text();
    expect(html).toContain("admin@example.com changed the role of Katarzyna from viewer to analyst");
    expect(html).toContain("<details>");
    const outsideMarkup = html
      .replace(/<details>[\s\S]*?<\/details>/g, "")
      .replace(/title="[^"]*"/g, "")
      .replace(/href="[^"]*"/g, "")
      .replace(/value="[^"]*"/g, "");
    expect(outsideMarkup).not.toContain(katId);
  });

  test("an empty result says what to do and shows no dead pager", async () => {
    const b = await t.browser();
    const html = await (await b.get("/admin/audit?person=nobody@example.com")).text();
    expect(html).toContain("No entries match these filters.");
    expect(html).not.toContain("0–0 of 0");
  });
});

describe("filters", () => {
  test("person matches entries by or about them; action by prefix; the time range by day", async () => {
    const about = await jsonList(`person=kat@example.com`);
    expect(about.map((e) => e.action).sort()).toEqual(["user.create", "user.update"]);
    expect(about.every((e) => e.target === katId)).toBe(true);
    const updates = await jsonList("action=user.update");
    expect(updates.map((e) => e.target)).toEqual([katId]);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const early = await jsonList(`person=${katId}&until=${day(new Date(start.getTime() + DAY))}`);
    expect(early.map((e) => e.action)).toEqual(["user.create"]);
    const late = await jsonList(`person=${katId}&since=${day(new Date(start.getTime() + DAY))}`);
    expect(late.map((e) => e.action)).toEqual(["user.update"]);
    const page = await (await (await t.browser()).get(`/admin/audit?person=${katId}&to=${day(start)}`)).text();
    expect(page).toContain('data-action="user.create"');
    expect(page).not.toContain('data-action="user.update"');
  });

  test("a malformed time is a 422 with a detail, not an empty list", async () => {
    const res = await get("/api/audit?since=yesterday");
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toBeTruthy();
    expect((await get("/api/audit?format=xml")).status).toBe(422);
  });
});

describe("exports", () => {
  test("CSV: a header, one record per entry of the filtered list, quoting and formulas defused", async () => {
    const res = await get("/api/audit?format=csv&action=user.");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="agnes-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const records = parse(await res.text(), { columns: true }) as Record<string, string>[];
    const expected = await jsonList("action=user.");
    expect(records.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    const formula = records.find((r) => r.action === "user.create" && r.sentence?.includes("HYPERLINK"))!;
    expect(formula.target_label!.startsWith("'=")).toBe(true);
    expect(formula.target_label).toContain('"quoted"\nline');
    expect(JSON.parse(formula.params!)).toMatchObject({ email: "formula@example.com" });
    const update = records.find((r) => r.action === "user.update")!;
    expect(update.sentence).toContain("changed the role of Katarzyna from viewer to analyst");
  });

  test("JSON Lines: the JSON entries plus a sentence, one per line", async () => {
    const res = await get("/api/audit?format=ndjson&person=kat@example.com");
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await res.text()).split("\n");
    expect(lines.pop()).toBe("");
    const entries = lines.map((line) => JSON.parse(line) as ReadableAuditEntry);
    const expected = await jsonList("person=kat@example.com");
    expect(entries.map(({ actor_label, target_label, sentence, ...rest }) => rest)).toEqual(expected);
    expect(entries[0]!.target_label).toBe("Katarzyna");
  });

  test("a long trail streams in batches: every entry once, newest first, ties on the time kept apart by id", async () => {
    // 4,001 entries, three to a millisecond: more than two batches of 2,000, with ties at the seams.
    await t.ctx.db.run(
      `INSERT INTO audit_log (id, created_at, actor_id, actor_email, action, target, params, ip, token_id)
       SELECT uuid()::VARCHAR, TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (i // 3) MILLISECOND, NULL, NULL, 'backup.delete', 'b-' || i, '{}', NULL, NULL
       FROM range(4001) r(i)`,
    );
    const res = await get("/api/audit?format=ndjson&action=backup.delete");
    const entries = (await res.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEntry);
    expect(entries.length).toBe(4_001);
    expect(new Set(entries.map((e) => e.id)).size).toBe(4_001);
    const key = (e: AuditEntry) => `${e.created_at}|${e.id}`;
    expect(entries.every((e, i) => i === 0 || key(entries[i - 1]!) > key(e))).toBe(true);
  });

  test("needs audit:read: an analyst's session and a token without the scope are refused", async () => {
    await t.createUser("an@example.com", "analyst-pass-1");
    const analyst = await t.login("an@example.com", "analyst-pass-1");
    expect((await t.api("GET", "/api/audit?format=csv", { token: analyst })).status).toBe(403);
    const made = await t.api("POST", "/auth/tokens", { token: admin, body: { name: "narrow", scopes: ["users:read"] } });
    const narrow = ((await made.json()) as { token: string }).token;
    expect((await t.api("GET", "/api/audit?format=ndjson", { token: narrow })).status).toBe(403);
  });
});
