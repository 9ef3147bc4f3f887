// OIDC_<ID>_GROUP_SYNC and OIDC_<ID>_GROUP_FILTER are checked at start, and the claim reader's rules.
import { expect, test } from "bun:test";
import { loadConfig } from "../../src/config";
import { readGroupsClaim } from "../../src/modules/groups/sync";

const base = {
  DATA_DIR: "/tmp/agnes-sync-settings",
  PUBLIC_URL: "https://agnes.example.com",
  OIDC_PROVIDERS: "corp",
  OIDC_CORP_ISSUER: "https://idp.example.com",
  OIDC_CORP_CLIENT_ID: "agnes",
  OIDC_CORP_CLIENT_SECRET: "s",
};

test("GROUP_SYNC takes on/off and GROUP_FILTER a valid regular expression, else the start stops naming the variable", () => {
  expect(loadConfig(base).sso.providers[0]).toMatchObject({ groupSync: false, groupFilter: null });
  expect(loadConfig({ ...base, OIDC_CORP_GROUP_SYNC: "on", OIDC_CORP_GROUP_FILTER: "^team-" }).sso.providers[0]!.groupFilter!.test("team-a")).toBe(true);
  expect(() => loadConfig({ ...base, OIDC_CORP_GROUP_SYNC: "yes please" })).toThrow("OIDC_CORP_GROUP_SYNC");
  expect(() => loadConfig({ ...base, OIDC_CORP_GROUP_FILTER: "([" })).toThrow("OIDC_CORP_GROUP_FILTER");
  expect(() => loadConfig({ ...base, OIDC_GROUP_LIMIT: "0" })).toThrow("OIDC_GROUP_LIMIT");
});

test("the claim: strings only, trimmed, deduplicated without case, no control characters or overlong names; overage counted before the filter", () => {
  const read = (value: unknown, filter: RegExp | null = null, limit = 5) => readGroupsClaim({ groups: value }, "groups", filter, limit);
  expect(read(" finance ")).toEqual({ names: ["finance"] });
  expect(read(["a", "A", 7, null, "b\nc", "x".repeat(201), "", "d\u202Ee"], null, 10)).toEqual({ names: ["a"] });
  expect(read(undefined)).toEqual({ names: [] });
  expect(read({ not: "a list" })).toEqual({ names: [] });
  expect(read(["a", "b", "c", "d", "e", "f"], /^a$/)).toEqual({ overage: 6 });
  expect(readGroupsClaim({ _claim_names: { groups: "src1" } }, "groups", null, 5)).toEqual({ overage: Number.POSITIVE_INFINITY });
});
