// Every page of a seeded server, for the every-page browser test and scripts/screenshots.ts: the
// data is realistic enough (tens of people, tokens, audit entries, a dataset, a group, a backup,
// an invitation, long emails) that tables, filters and pagers show what a real team would see.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROUTES } from "../hostile/routes";
import { freePort } from "./ports";
import { startServer, type RunningServer } from "./server";

export const WALK_ADMIN = { email: "ana.administrator@example.com", password: "admin-password-1" };
/** Made by the admin with a password, so their first sign-in must change it (/password/change). */
export const WALK_NEW_HIRE = { email: "new.hire@example.com", password: "first-password-1" };
export const WALK_ANALYST = { email: "katarzyna.wisniewska-kowalczyk.data-platform@analytics.example-company.com", password: "analyst-password-1" };

/** Who opens a page: nobody signed in, the admin, an analyst (the 403 page), a new hire (the forced change). */
export type Viewer = "anonymous" | "admin" | "analyst" | "newHire";
export type WalkPage = { name: string; path: string; viewer: Viewer };
export type Seeded = { server: RunningServer; pages: WalkPage[] };

const NAMES = ["Ana Lima", "Bartosz Nowak", "Chen Wei", "Dagmar Øster", "Emeka Obi", "Fatima Zahra", "Gustavo Pereira", "Hana Sato", "Ingrid Berg"];
const ROLES = ["viewer", "analyst", "analyst", "km_admin", "viewer"];
const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

type Json = Record<string, unknown>;
async function call(server: RunningServer, method: string, path: string, opts: { token?: string; body?: unknown; ua?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.ua) headers["user-agent"] = opts.ua;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.raw !== undefined) headers["content-type"] = "text/csv";
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  if (!response.ok) throw new Error(`seed: ${method} ${path} → ${response.status} ${await response.text()}`);
  return (response.status === 204 ? {} : await response.json()) as Json;
}

const signIn = async (server: RunningServer, who: { email: string; password: string }, ua?: string) =>
  (await call(server, "POST", "/auth/token", { body: who, ua })).access_token as string;

/** 40 people (some deactivated), the analyst with a very long email, and their tokens. */
async function seedPeople(server: RunningServer, admin: string): Promise<string[]> {
  const analyst = await call(server, "POST", "/api/users", {
    token: admin,
    body: { ...WALK_ANALYST, name: "Katarzyna Wiśniewska-Kowalczyk", role: "analyst", must_change_password: false },
  });
  await call(server, "POST", "/api/users", { token: admin, body: { ...WALK_NEW_HIRE, name: "New Hire", role: "viewer" } });
  const ids = [analyst.id as string];
  for (let i = 0; i < 40; i++) {
    const name = `${NAMES[i % NAMES.length]} ${i}`;
    const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}@example.com`;
    const user = await call(server, "POST", "/api/users", {
      token: admin,
      body: { email, name, role: ROLES[i % ROLES.length], password: `pw-${i}-long-enough` },
    });
    ids.push(user.id as string);
    if (i % 7 === 3) await call(server, "POST", `/api/users/${user.id}/deactivate`, { token: admin });
  }
  const session = await signIn(server, WALK_ANALYST, CHROME_LINUX);
  for (const [name, days] of [
    ["laptop", 90],
    ["ci deploy", null],
    ["expiring soon", 3],
  ] as const) {
    await call(server, "POST", "/auth/tokens", { token: session, body: { name, expires_in_days: days } });
  }
  return ids;
}

/** The admin's own tokens and sessions (browsers and `da`), so /profile has rows in every table. */
async function seedAdmin(server: RunningServer, admin: string): Promise<string> {
  await signIn(server, WALK_ADMIN, CHROME_LINUX);
  await signIn(server, WALK_ADMIN, SAFARI_IPHONE);
  await signIn(server, WALK_ADMIN, "da/0.1.0 (linux; x64; build-box-07)");
  let first = "";
  for (const [name, days] of [
    ["laptop", 90],
    ["nightly export job", null],
    ["expires this week", 5],
    ["short", 1],
  ] as const) {
    const token = await call(server, "POST", "/auth/tokens", { token: admin, body: { name, expires_in_days: days } });
    first ||= token.id as string;
  }
  return first;
}

async function seedData(server: RunningServer, admin: string, userIds: string[]) {
  const rows = Array.from({ length: 50 }, (_, i) => `${i},account-${i},${(i * 137.5).toFixed(2)}`).join("\n");
  await call(server, "POST", "/api/datasets?name=finance_q1", { token: admin, raw: `id,account,amount\n${rows}\n` });
  const group = await call(server, "POST", "/api/groups", {
    token: admin,
    body: { name: "Finance analysts", description: "People who read the finance datasets" },
  });
  for (const id of userIds.slice(0, 6)) await call(server, "PUT", `/api/groups/${group.id}/members/${id}`, { token: admin });
  await call(server, "PUT", "/api/datasets/finance_q1/grants", { token: admin, body: { groups: [group.id] } });
  const account = await call(server, "POST", "/api/service-accounts", {
    token: admin,
    body: { name: "nightly-etl", description: "Loads the warehouse at 02:00", role: "analyst" },
  });
  const saToken = await call(server, "POST", `/api/service-accounts/${account.id}/tokens`, { token: admin, body: { name: "etl", expires_in_days: 30 } });
  const invitation = await call(server, "POST", "/api/invitations", { token: admin, body: { email: "new.colleague@example.com", role: "analyst" } });
  const reset = await call(server, "POST", `/api/users/${userIds[1]}/reset-password`, { token: admin });
  const backup = await call(server, "POST", "/api/admin/backups", { token: admin });
  const client = await call(server, "POST", "/oauth/register", { body: { client_name: "Claude Desktop", redirect_uris: ["http://127.0.0.1:43111/callback"] } });
  return { group, account, saToken, invitation, reset, backup, client };
}

function oauthQuery(server: RunningServer, clientId: string): string {
  const challenge = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("base64url");
  const q = { response_type: "code", client_id: clientId, redirect_uri: "http://127.0.0.1:43111/callback", code_challenge: challenge };
  return new URLSearchParams({ ...q, code_challenge_method: "S256", state: "st-1", resource: `${server.url}/mcp` }).toString();
}

/**
 * GET page routes not walked: static files and a download are not pages; /setup answers only before
 * the first admin exists; unlinking an SSO identity needs a configured provider (none here).
 */
const NOT_PAGES = new Set([
  "/static/:file",
  "/static/passkeys.js",
  "/static/webauthn.js",
  "/admin/backups/:name/download",
  "/setup",
  "/admin/users/:id/identities/:provider/unlink",
]);

/** Fills every GET page route of ROUTES (checked against the app by test/hostile/routes.test.ts). */
function pagesFor(server: RunningServer, ids: string[], adminToken: string, seed: Awaited<ReturnType<typeof seedData>>): WalkPage[] {
  const fill: Record<string, string> = {
    ":id": "",
    ":name": "finance_q1",
    ":token": new URL(seed.invitation.invite_url as string).pathname.split("/").pop()!,
    ":token_id": seed.saToken.id as string,
  };
  // The first matching prefix wins. No OAuth grant or other session of the admin is seeded: those two
  // confirmations walk their 404 page.
  const byPrefix: [string, string][] = [
    ["/admin/users/invitations/", seed.invitation.id as string],
    ["/admin/users/", ids[2]!],
    ["/admin/oauth-clients/grants/", "no-such-grant"],
    ["/admin/oauth-clients/", seed.client.client_id as string],
    ["/profile/connected-apps/", "no-such-grant"],
    ["/profile/sessions/", "no-such-session"],
    ["/admin/groups/", seed.group.id as string],
    ["/admin/service-accounts/", seed.account.id as string],
    ["/admin/tokens/", adminToken],
    ["/profile/tokens/", adminToken],
  ];
  const pages: WalkPage[] = [];
  for (const route of ROUTES) {
    if (route.method !== "GET" || route.api || NOT_PAGES.has(route.path)) continue;
    let path = route.path.replace(/:name/g, route.path.startsWith("/admin/backups") ? (seed.backup.name as string) : fill[":name"]!);
    path = path.replace(":token_id", fill[":token_id"]!).replace(":token", fill[":token"]!);
    path = path.replace(":id", byPrefix.find(([p]) => path.startsWith(p))?.[1] ?? ":id");
    // A new route with a parameter this walk cannot fill fails here, rather than walking a 404.
    if (path.includes("/:")) throw new Error(`page-walk: give ${route.path} a value in pagesFor (or list it in NOT_PAGES with why)`);
    if (path === "/auth/password/reset") path = new URL(seed.reset.reset_url as string).pathname + new URL(seed.reset.reset_url as string).search;
    if (path === "/oauth/authorize") path += `?${oauthQuery(server, seed.client.client_id as string)}`;
    if (path === "/cli/authorize")
      path += `?port=43112&state=state-0123456789abcdef&code_challenge=${"a".repeat(43)}&code_challenge_method=S256&client=da%20on%20build-box-07`;
    const anonymous = ["/login", "/forgot", "/invite/", "/auth/password/reset"].some((p) => path.startsWith(p));
    pages.push({ name: route.path, path, viewer: anonymous ? "anonymous" : path === "/password/change" ? "newHire" : "admin" });
  }
  pages.push({ name: "install (signed out)", path: "/install", viewer: "anonymous" });
  pages.push({ name: "404 page", path: "/no-such-page", viewer: "admin" });
  pages.push({ name: "403 page", path: "/admin/users", viewer: "analyst" });
  pages.push({ name: "analyst profile", path: "/profile", viewer: "analyst" });
  pages.push({ name: "audit, empty filter", path: "/admin/audit?action=user.delete", viewer: "admin" });
  pages.push({ name: "users, no match", path: "/admin/users?q=zzzz-nobody", viewer: "admin" });
  return pages;
}

/** A server with a first admin and the seeded data, and the pages to walk on it. */
export async function seededServer(): Promise<Seeded> {
  const backupDir = mkdtempSync(join(tmpdir(), "agnes-walk-backups-"));
  // A mail server that is never there: /forgot exists only where mail is set up (sending just fails).
  const port = freePort();
  const mail = { SMTP_URL: "smtp://127.0.0.1:9", SMTP_FROM: "agnes@example.com", PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` };
  const server = await startServer({ env: { AGNES_ADMIN_EMAIL: WALK_ADMIN.email, AGNES_ADMIN_PASSWORD: WALK_ADMIN.password, BACKUP_DIR: backupDir, ...mail } });
  const admin = await signIn(server, WALK_ADMIN);
  const ids = await seedPeople(server, admin);
  const adminToken = await seedAdmin(server, admin);
  const seed = await seedData(server, admin, ids);
  return { server, pages: pagesFor(server, ids, adminToken, seed) };
}
