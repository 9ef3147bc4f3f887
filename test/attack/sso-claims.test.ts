// Attacker pass on issue 20 (class 1) against two real oidc-provider instances: "corp" owns
// corp.example (ALLOWED_DOMAINS), "partner" owns partner.example. The partner asserts corp's people
// in every spelling an attacker would try, and both assert `email_verified` in every shape a
// provider might send. None may reach an existing corp account, none may create an account
// without a verified address, and none may answer 5xx.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { signInAs, ssoFixture, whoAmI, type SsoFixture } from "../sso/harness";

let f: SsoFixture;
const ids: Record<string, string> = {};
beforeAll(async () => {
  f = await ssoFixture(["corp", "partner"], { OIDC_CORP_ALLOWED_DOMAINS: "corp.example", OIDC_PARTNER_ALLOWED_DOMAINS: "partner.example" });
  ids.boss = await f.t.createUser("boss@corp.example", "boss-password-1", "admin");
  ids.jose = await f.t.createUser("jos\u00e9@corp.example", "jose-password-1", "admin");
});
afterAll(() => f?.stop());
beforeEach(() => f.t.clock.advance(16 * 60_000));

const identities = () => f.t.ctx.db.query<{ user_id: string }>("SELECT user_id FROM oidc_identities WHERE provider = 'partner'");
const userCount = async () => (await f.t.ctx.db.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM users"))[0]!.n;

const SPELLINGS = [
  "boss@corp.example",
  "BOSS@CORP.EXAMPLE",
  " boss@corp.example ",
  "boss@corp.example\n",
  "Boss@Corp.Example",
  "\u0299oss@corp.example",
  "bo\u0455s@corp.example",
  "boss@c\u043erp.example",
  "boss@corp.exampl\u0435",
  "bo\u200bss@corp.example",
  "boss@corp.example\u200b",
  "b\uff4fss@corp.example",
  "boss@\uff43orp.example",
  "jose\u0301@corp.example",
  "JOS\u00c9@corp.example",
  "JOSE\u0301@CORP.EXAMPLE",
  "jos\u00e9@CORP.example",
  "boss@corp.example.",
  "boss@corp.example@partner.example",
  '"boss@corp.example"@partner.example',
  "boss@corp.example,evil@partner.example",
  "boss@corp.example\u0000@partner.example",
];

test.each(SPELLINGS)("partner asserting %p (verified) reaches no corp account", async (email) => {
  const before = await userCount();
  const sub = `p-${Buffer.from(email).toString("hex").slice(0, 40)}`;
  f.providers.partner!.accounts.set(sub, { email, email_verified: true });
  const res = await signInAs(f.t, "partner", sub);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.getSetCookie().some((c) => c.startsWith("access_token="))).toBe(false);
  expect(await userCount()).toBe(before);
  expect(await identities()).toEqual([]);
});

const VERIFIED = [false, "false", "False", "TRUE", "yes", 1, "1", 0, null, {}, [], [true]] as const;

test.each(VERIFIED.map((v) => [JSON.stringify(v), v] as const))("email_verified %s does not create a corp account", async (_label, verified) => {
  const before = await userCount();
  const sub = `v-${JSON.stringify(verified)}`;
  f.providers.corp!.accounts.set(sub, { email: `new-${Bun.hash(sub)}@corp.example`, email_verified: verified as never });
  const res = await signInAs(f.t, "corp", sub);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.getSetCookie().some((c) => c.startsWith("access_token="))).toBe(false);
  expect(await userCount()).toBe(before);
});

test.each([
  ["xms_edov true with email_verified false", { email_verified: false, xms_edov: true }],
  ["xms_edov true with email_verified null", { email_verified: null, xms_edov: true }],
  ['xms_edov "1"', { xms_edov: "1" }],
  ['xms_edov "yes"', { xms_edov: "yes" }],
] as const)("%s does not create a corp account", async (label, claims) => {
  const before = await userCount();
  const sub = `x-${Bun.hash(label)}`;
  f.providers.corp!.accounts.set(sub, { email: `x-${Bun.hash(label)}@corp.example`, ...(claims as object) } as never);
  const res = await signInAs(f.t, "corp", sub);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.getSetCookie().some((c) => c.startsWith("access_token="))).toBe(false);
  expect(await userCount()).toBe(before);
});

test("corp's own second subject claiming boss once boss is bound is refused (one identity per issuer)", async () => {
  f.providers.corp!.accounts.set("corp-boss", { email: "boss@corp.example", email_verified: true });
  expect((await whoAmI(f.t, await signInAs(f.t, "corp", "corp-boss"))).id).toBe(ids.boss!);
  f.providers.corp!.accounts.set("corp-boss-2", { email: "BOSS@corp.example", email_verified: true });
  const res = await signInAs(f.t, "corp", "corp-boss-2");
  expect(res.status).toBe(403);
  expect(res.headers.getSetCookie().some((c) => c.startsWith("access_token="))).toBe(false);
});
