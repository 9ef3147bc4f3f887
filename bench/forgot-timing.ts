// How long POST /forgot takes for an active account, a deactivated one and an address with no
// account, on the real server with a real SMTP server behind it (loopback). The answer is sent before
// the address is looked up, so the three should not differ beyond noise. Requests of the three kinds
// take turns in a shuffled order; each comes from its own client address (TRUST_PROXY=1) and no
// address is asked more than 3 times, so no limit is reached. Timing is measured here, never asserted.
// bun bench/forgot-timing.ts [accounts per kind, default 40]
import { freePort } from "../test/helpers/ports";
import { startServer } from "../test/helpers/server";
import { startSmtpServer } from "../test/helpers/smtp-server";

const PER_KIND = Number(process.argv[2] ?? 40);
const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
type Kind = "active" | "deactivated" | "unknown";

const smtp = await startSmtpServer();
const port = freePort();
const server = await startServer({
  env: {
    ...{ AGNES_ADMIN_EMAIL: ADMIN.email, AGNES_ADMIN_PASSWORD: ADMIN.password },
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: smtp.url,
    TRUST_PROXY: "1",
  },
});
try {
  const json = { "content-type": "application/json" };
  const login = await fetch(`${server.url}/auth/token`, { method: "POST", headers: json, body: JSON.stringify(ADMIN) });
  const auth = { ...json, authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
  const emails: Record<Kind, string[]> = { active: [], deactivated: [], unknown: [] };
  for (let i = 0; i < PER_KIND; i++) {
    for (const kind of ["active", "deactivated"] as const) {
      const email = `${kind}-${i}@example.com`;
      const created = await fetch(`${server.url}/api/users`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ email, password: "bench-pass-1", must_change_password: false }),
      });
      const { id } = (await created.json()) as { id: string };
      if (kind === "deactivated") await fetch(`${server.url}/api/users/${id}/deactivate`, { method: "POST", headers: auth });
      emails[kind].push(email);
    }
    emails.unknown.push(`nobody-${i}@example.com`);
  }
  const plan = (["active", "deactivated", "unknown"] as const).flatMap((kind) => emails[kind].flatMap((email) => [0, 1, 2].map(() => ({ kind, email }))));
  plan.sort(() => Math.random() - 0.5);
  const times: Record<Kind, number[]> = { active: [], deactivated: [], unknown: [] };
  let n = 0;
  for (const { kind, email } of plan) {
    n++;
    const headers = { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}` };
    const started = performance.now();
    const res = await fetch(`${server.url}/forgot`, { method: "POST", headers, body: new URLSearchParams({ email }), redirect: "manual" });
    await res.arrayBuffer();
    times[kind].push(performance.now() - started);
    if (res.status !== 303) throw new Error(`unexpected ${res.status} for ${kind}`);
  }
  const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
  console.log(`POST /forgot, ${plan.length} requests (${PER_KIND * 3} per kind), ms:`);
  console.log("kind          median    p90     p99     mean");
  for (const kind of ["active", "deactivated", "unknown"] as const) {
    const list = times[kind];
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    console.log(
      `${kind.padEnd(12)} ${pct(list, 50).toFixed(2).padStart(7)} ${pct(list, 90).toFixed(2).padStart(7)} ${pct(list, 99).toFixed(2).padStart(7)} ${mean.toFixed(2).padStart(7)}`,
    );
  }
  const medians = (["active", "deactivated", "unknown"] as const).map((k) => pct(times[k], 50));
  console.log(`spread of the medians: ${(Math.max(...medians) - Math.min(...medians)).toFixed(2)} ms`);
  // The emails go out after the answers: wait (bounded) for them, as a check that the active ones were sent.
  const expected = PER_KIND * 3;
  const settle = Date.now() + 60_000;
  while (smtp.messages.length < expected && Date.now() < settle) await Bun.sleep(100);
  console.log(`emails received: ${smtp.messages.length} of ${expected} expected (only active accounts get one)`);
} finally {
  await server.stop();
  await smtp.stop();
}
