// Against the real server process, behind a pretend proxy (TRUST_PROXY=1, no PUBLIC_URL): the start-up
// warning names the forwarded-header rule; /metrics answers a browser-looking request 401, not a
// redirect; links follow the last forwarded entries and the address falls back to the socket's peer.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../helpers/server";
import type { AuditEntry, ResetLink } from "../../src/shared/contract";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    env: { TRUST_PROXY: "1", METRICS_TOKEN: "m".repeat(40), AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password },
  });
});
afterAll(() => server.stop());

test("without PUBLIC_URL the server warns once at start, naming the last X-Forwarded-Host/-Proto rule", () => {
  const warnings = server
    .logs()
    .split("\n")
    .filter((line) => line.includes('"config.public_url_unset"'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain("last X-Forwarded-Host and X-Forwarded-Proto entries");
  expect(warnings[0]).toContain("set PUBLIC_URL");
});

test("GET /metrics without a credential is 401 {detail} for a browser, curl and Prometheus alike, never a redirect", async () => {
  for (const accept of ["text/html", "text/html,application/xhtml+xml,*/*;q=0.8", "*/*", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"]) {
    const res = await fetch(`${server.url}/metrics`, { headers: { accept }, redirect: "manual" });
    expect(`${accept}: ${res.status} ${res.headers.get("location")}`).toBe(`${accept}: 401 null`);
    expect(((await res.json()) as { detail: string }).detail).toBe("Metrics need METRICS_TOKEN or an admin credential");
  }
});

test("links follow the last forwarded host and protocol; an address that is not an IP gives way to the socket's peer", async () => {
  const session = (
    (await (
      await fetch(`${server.url}/auth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) })
    ).json()) as { access_token: string }
  ).access_token;
  const auth = { authorization: `Bearer ${session}`, "content-type": "application/json" };
  const created = await fetch(`${server.url}/api/users`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ email: "ana@example.com", password: "ana-password-1" }),
  });
  const { id } = (await created.json()) as { id: string };
  const forwarded = { "x-forwarded-host": "evil.example, agnes.example.com", "x-forwarded-proto": "http, https", "x-forwarded-for": "203.0.113.7, not-an-ip" };
  const link = (await (
    await fetch(`${server.url}/api/users/${id}/reset-password`, { method: "POST", headers: { ...auth, ...forwarded } })
  ).json()) as ResetLink;
  expect(link.reset_url).toStartWith("https://agnes.example.com/auth/password/reset?token=");
  const audit = (await (await fetch(`${server.url}/api/audit?action=user.reset_link`, { headers: auth })).json()) as AuditEntry[];
  expect(audit[0]!.ip).toBe("127.0.0.1");
});
