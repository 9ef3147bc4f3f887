// /oauth/token (refresh_token) and /oauth/revoke take no authentication, and every well-formed token
// (the checksum is public: anyone can make one) was looked up in a write transaction on the
// database's one queue. Measured on the real server: 50 requests at a time from one address, about
// 1,700 of them, made every write (sign-ins, audit, admin changes) 8-10 times slower (p50 24 ms → 200-275
// ms); malformed tokens, refused before the look-up, changed nothing (23 ms). Like every other check of
// a secret, unknown tokens are now limited per client address; a token that is found costs nothing.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import { generateOAuthSecret } from "../../src/auth/oauth-format";
import { connectApp, form, refresh } from "../helpers/oauth";
import { OAUTH_TOKEN_FAILURES } from "../../src/modules/oauth";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("a chain of good refreshes never runs into the limit", async () => {
  const { clientId, tokens } = await connectApp(t, await t.browser());
  let current = tokens.refresh_token;
  for (let i = 0; i < OAUTH_TOKEN_FAILURES + 5; i++) {
    const res = await refresh(t, clientId, current);
    expect(res.status).toBe(200);
    current = ((await res.json()) as { refresh_token: string }).refresh_token;
  }
});

test("unknown refresh tokens and revocations share one budget per address; beyond it 429 with Retry-After", async () => {
  const answers: number[] = [];
  for (let i = 0; i < OAUTH_TOKEN_FAILURES; i++) {
    const res =
      i % 2 ? await refresh(t, "some-client", generateOAuthSecret("refresh")) : await form(t, "/oauth/revoke", { token: generateOAuthSecret("refresh") });
    answers.push(res.status);
  }
  expect(answers).toEqual(Array.from({ length: OAUTH_TOKEN_FAILURES }, (_, i) => (i % 2 ? 400 : 200)));
  for (const res of [
    await refresh(t, "some-client", generateOAuthSecret("refresh")),
    await form(t, "/oauth/revoke", { token: generateOAuthSecret("access") }),
  ]) {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  }
});
