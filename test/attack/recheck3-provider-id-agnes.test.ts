// Synced groups and memberships carry their provider's id as `source`; hand-made ones carry "agnes".
// A provider configured with the id "agnes" would make its sign-ins' group sync treat every
// hand-made group as its own: a claim naming "Finance" joins the admins' Finance group (and its
// grants), and a sign-in without it removes the memberships admins made by hand.
import { expect, test } from "bun:test";
import { readSsoSettings } from "../../src/config/sso";

const env = {
  OIDC_AGNES_ISSUER: "https://idp.example.com",
  OIDC_AGNES_CLIENT_ID: "client",
  OIDC_AGNES_CLIENT_SECRET: "secret",
  OIDC_AGNES_GROUP_SYNC: "on",
};

test('a provider id equal to the hand-made groups\' source ("agnes") is refused at start', () => {
  expect(() => readSsoSettings(env, "https://agnes.example.com", true, "agnes")).toThrow(/agnes/);
  expect(() => readSsoSettings(env, "https://agnes.example.com", true, "AGNES")).toThrow(/agnes/);
});
