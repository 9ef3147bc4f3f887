// Dataset uploads against the real server (Bun's HTTP layer, its maxRequestBodySize): a chunked
// body with no Content-Length is counted as it arrives and refused past DATASET_MAX_MB, without the
// server holding it in memory; other routes keep their small caps on the same server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../helpers/server";

const ADMIN = { email: "upload-admin@example.com", password: "upload-admin-password-1" };
let server: RunningServer;
let token: string;

beforeAll(async () => {
  server = await startServer({ env: { AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password, DATASET_MAX_MB: "160" } });
  const res = await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(() => server.stop(), 30_000);

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;

/** `mb` megabytes of CSV rows, sent in 64 KB chunks as a stream (chunked: no Content-Length). */
function csvStream(mb: number): ReadableStream<Uint8Array> {
  const line = "12345678,abcdefghij\n";
  const chunk = new TextEncoder().encode(line.repeat(Math.floor(65536 / line.length)));
  let sent = 0;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("id,label\n"));
    },
    pull(controller) {
      if (sent >= mb * 1024 * 1024) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

test("a chunked upload past DATASET_MAX_MB is refused with 413 as it streams; memory stays flat; nothing is left", async () => {
  const before = rssMb();
  const sending = new AbortController(); // stops the client's upload once the answer is in
  const res = await fetch(`${server.url}/api/datasets?name=toobig`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: csvStream(300),
    duplex: "half",
    signal: sending.signal,
  } as RequestInit);
  expect(res.status).toBe(413);
  expect(((await res.json()) as { detail: string }).detail).toMatch(/DATASET_MAX_MB \(160 MB\)/);
  sending.abort();
  // Held in memory, 160 MB would have been; streamed, Bun's read-ahead is what shows (10–53 MB measured).
  expect(rssMb() - before).toBeLessThan(100);
  const dir = join(server.dataDir, "datasets");
  expect(readdirSync(dir).filter((f) => !f.startsWith("."))).toEqual([]);
  expect(existsSync(join(dir, ".uploads")) ? readdirSync(join(dir, ".uploads")) : []).toEqual([]);
});

test("a chunked upload under the limit is stored; other routes keep their own caps", async () => {
  const res = await fetch(`${server.url}/api/datasets?name=fits`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: csvStream(8),
    duplex: "half",
  } as RequestInit);
  expect(res.status).toBe(201);
  expect(((await res.json()) as { rows: number }).rows).toBeGreaterThan(400_000);
  const capped = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ x: "y".repeat(2 * 1024 * 1024) }),
  });
  expect(capped.status).toBe(413);
  expect(((await capped.json()) as { detail: string }).detail).toMatch(/larger than this route accepts/);
});
