// Two OpenID Providers at once (two oidc-provider instances) reach the same person through the
// verified-email rule, and each binds its own (issuer, sub) to that one account.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { auditActions, signInAs, ssoFixture, whoAmI, type SsoFixture } from "./harness";

let f: SsoFixture;
beforeAll(async () => {
  f = await ssoFixture(["alpha", "beta"], { OIDC_ALPHA_ALLOWED_DOMAINS: "team.example", OIDC_BETA_LINK_DOMAINS: "team.example" });
});
afterAll(() => f?.stop());

test("one person through two providers is one account; an unverified email at the second is refused", async () => {
  f.providers.alpha!.accounts.set("alpha-1", { email: "Pat@Team.example", email_verified: true });
  f.providers.beta!.accounts.set("beta-9", { email: "pat@team.EXAMPLE", email_verified: true });
  const viaAlpha = await whoAmI(f.t, await signInAs(f.t, "alpha", "alpha-1"));
  const viaBeta = await whoAmI(f.t, await signInAs(f.t, "beta", "beta-9"));
  expect(viaBeta.id).toBe(viaAlpha.id);
  expect(await f.t.ctx.db.query("SELECT count(*) AS n FROM users WHERE email = 'pat@team.example'")).toEqual([{ n: 1 }]);
  const identities = await f.t.ctx.db.query<{ provider: string; subject: string }>(
    "SELECT provider, subject FROM oidc_identities WHERE user_id = $1 ORDER BY provider",
    [viaAlpha.id],
  );
  expect(identities).toEqual([
    { provider: "alpha", subject: "alpha-1" },
    { provider: "beta", subject: "beta-9" },
  ]);

  // Beta has no allowed domains, only link domains: only people who already have an account get in, by verified email.
  f.providers.beta!.accounts.set("beta-new", { email: "newcomer@team.example", email_verified: true });
  expect((await signInAs(f.t, "beta", "beta-new")).status).toBe(403);
  f.providers.beta!.accounts.set("beta-fake", { email: "pat@team.example", email_verified: false });
  expect((await signInAs(f.t, "beta", "beta-fake")).status).toBe(403);
  const reasons = (await auditActions(f.t, "auth.login_refused")).map((p) => p.reason);
  expect(reasons).toEqual(["not_invited", "unverified_email"]);

  const pat = ((await (await f.t.api("GET", "/api/users?q=pat%40team", { token: await f.t.login() })).json()) as { id: string }[])[0]!;
  const page = await (await (await f.t.browser()).get(`/admin/users/${pat.id}`)).text();
  expect(page).toContain('<span class="method">Alpha</span>, <span class="method">Beta</span>');
});
