// Re-check of the `da` device sign-in: approval is meant for "a browser signed in to Agnes, not a
// token" (assertBrowserSession), but the check is only "the credential came in a cookie". A `da`
// CLI session's bearer JWT sent as `Cookie: access_token=…` passes it, so a CLI session approves new
// device grants: after the approving browser session has ended, the CLI session it produced keeps
// minting fresh, independent CLI sessions (they also survive revoking the one that minted them).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createTestApp, type TestApp } from "../helpers/app";
import type { LoginResponse } from "../../src/shared/contract";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

async function deviceSignIn(approve: Awaited<ReturnType<TestApp["browser"]>>, client: string): Promise<Response> {
  const code = (await (await t.api("POST", "/auth/device/code", { body: { client_name: client } })).json()) as { device_code: string; user_code: string };
  await approve.post("/device", { user_code: code.user_code, decision: "authorize" });
  return t.api("POST", "/auth/device/token", { body: { device_code: code.device_code } });
}

test("a CLI session's token in a cookie cannot approve another da sign-in (expected 403 / no token)", async () => {
  const browser = await t.browser();
  const first = (await (await deviceSignIn(browser, "laptop")).json()) as LoginResponse;
  expect(first.access_token).toBeString();
  // The approving browser session ends.
  expect(
    (
      await browser.raw("/logout", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" },
        body: new URLSearchParams({ _csrf: browser.csrf }),
      })
    ).status,
  ).toBe(303);
  // The CLI session, replayed as a cookie, approves a new device grant.
  const asCookie = t.browserWith(first.access_token);
  const second = await deviceSignIn(asCookie, "attacker-box");
  // The first CLI session is revoked; the second one lives on.
  await t.api("POST", "/logout", { token: first.access_token });
  const minted = second.status === 200 ? ((await second.json()) as LoginResponse).access_token : null;
  const stillWorks = minted ? (await t.api("GET", "/auth/sessions", { token: minted })).status : null;
  console.log({ secondStatus: second.status, mintedWorksAfterParentRevoked: stillWorks });
  expect(second.status).not.toBe(200);
});
