// The one confirmation pattern beyond a person's page (test/http/person-page.test.ts has those):
// signing out one session, signing out everywhere else, disconnecting an app, an admin revoking a
// connected app or removing an OAuth client, revoking an invitation or sending it again. For each: GET …/confirm
// renders a form with confirm=yes and the CSRF field, a POST without CSRF is refused, a POST without
// confirm=yes only sends to the confirmation page, a confirmed POST acts. No JavaScript confirm().
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { createTestApp, type TestApp } from "../helpers/app";
import { connectApp } from "../helpers/oauth";
import type { Invitation } from "../../src/shared/contract";

let t: TestApp;
let admin: string;
type Browser = Awaited<ReturnType<TestApp["browser"]>>;
let b: Browser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login();
  b = await t.browser();
});
afterAll(() => t.close());

const liveSessions = async () => (await t.ctx.db.query<{ n: number }>("SELECT count(*)::INTEGER AS n FROM sessions WHERE ended_at IS NULL"))[0]!.n;
const liveGrants = async () => ((await (await t.api("GET", "/auth/oauth/grants", { token: b.token })).json()) as unknown[]).length;

/** `stays`: the confirmation page is still there afterwards (there may be other sessions again). */
type Case = { name: string; stays?: boolean; setup: () => Promise<{ action: string; done: () => Promise<boolean> }> };

const CASES: Case[] = [
  {
    name: "sign out one session",
    setup: async () => {
      const other = await t.browser();
      const before = await liveSessions();
      return { action: `/profile/sessions/${other.sessionId}/end`, done: async () => (await liveSessions()) === before - 1 };
    },
  },
  {
    name: "sign out everywhere else",
    stays: true,
    setup: async () => {
      await t.browser();
      return { action: "/profile/sessions/end-others", done: async () => (await liveSessions()) === 1 };
    },
  },
  {
    name: "disconnect an app",
    setup: async () => {
      await connectApp(t, b);
      const [app] = (await (await t.api("GET", "/auth/oauth/grants", { token: b.token })).json()) as { id: string }[];
      return { action: `/profile/connected-apps/${app!.id}/revoke`, done: async () => (await liveGrants()) === 0 };
    },
  },
  {
    name: "an admin revokes a connected app",
    setup: async () => {
      await connectApp(t, b);
      const [app] = (await (await t.api("GET", "/auth/oauth/grants", { token: b.token })).json()) as { id: string }[];
      return { action: `/admin/oauth-clients/grants/${app!.id}/revoke`, done: async () => (await liveGrants()) === 0 };
    },
  },
  {
    name: "an admin removes an OAuth client",
    setup: async () => {
      const { clientId } = await connectApp(t, b);
      return { action: `/admin/oauth-clients/${clientId}/delete`, done: async () => (await liveGrants()) === 0 };
    },
  },
  {
    name: "revoke an invitation",
    setup: async () => {
      admin = await t.login(); // "sign out everywhere else" ended the first one
      const res = await t.api("POST", "/api/invitations", { token: admin, body: { email: "invited@example.com" } });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      const state = async () =>
        ((await (await t.api("GET", "/api/invitations?all=true", { token: admin })).json()) as { id: string; state: string }[]).find((i) => i.id === id)?.state;
      return { action: `/admin/users/invitations/${id}/revoke`, done: async () => (await state()) !== "pending" };
    },
  },
  {
    name: "send an invitation again (the link already sent stops working)",
    stays: true,
    setup: async () => {
      const res = await t.api("POST", "/api/invitations", { token: admin, body: { email: "invited.again@example.com" } });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      const sent = async () => ((await (await t.api("GET", "/api/invitations", { token: admin })).json()) as Invitation[]).find((i) => i.id === id)?.sent_count;
      return { action: `/admin/users/invitations/${id}/resend`, done: async () => (await sent()) === 2 };
    },
  },
];

describe("every risky action asks first, on the server", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { action, done } = await c.setup();
      const page = await b.get(`${action}/confirm`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`action="${action}"`);
      expect(html).toContain('name="confirm" value="yes"');
      expect(html).toContain(`name="_csrf" value="${b.csrf}"`);
      const noCsrf = await t.handle(action, {
        method: "POST",
        headers: { accept: "text/html", cookie: b.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ confirm: "yes" }),
      });
      expect(noCsrf.status).toBe(403);
      const asked = await b.post(action, {});
      expect(asked.status).toBe(303);
      expect(asked.headers.get("location")).toBe(`${action}/confirm`);
      expect(await done()).toBe(false);
      expect((await b.post(action, { confirm: "yes" })).status).toBe(303);
      expect(await done()).toBe(true);
      expect((await b.get(`${action}/confirm`)).status).toBe(c.stays ? 200 : 404);
    });
  }
});

test("no page asks with a JavaScript confirm() any more", () => {
  expect(readFileSync(join(import.meta.dir, "../../public/app.js"), "utf8")).not.toContain("confirm(");
  const views = join(import.meta.dir, "../../views");
  for (const file of new Glob("**/*.tsx").scanSync(views)) expect(readFileSync(join(views, file), "utf8")).not.toContain("data-confirm");
});
