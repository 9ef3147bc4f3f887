// One rule for what the reverse proxy says (TRUST_PROXY=1, src/http/forwarded.ts): the host, the
// protocol and the client address all come from the LAST entry of X-Forwarded-Host, -Proto and -For,
// the entries the one trusted proxy appended; a last entry that is not valid is ignored and the
// request's own Host, scheme and socket are used, never an earlier entry. Every consumer follows it:
// install.sh, /install, the device verification_uri, reset links, the cookie's Secure flag, CSRF.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createTestApp, cookieFrom, ADMIN_EMAIL, ADMIN_PASSWORD, type TestApp } from "../helpers/app";
import type { AuditEntry, ResetLink } from "../../src/shared/contract";

const OWN_HOST = "internal.test:8000";
// A client sent the first entries; our proxy appended the last ones.
const PROXIED = {
  host: OWN_HOST,
  "x-forwarded-host": "evil.example, agnes.example.com",
  "x-forwarded-proto": "http, https",
  "x-forwarded-for": "10.6.6.6, 203.0.113.7",
};

let t: TestApp;
let admin: string;
let userId: string;
beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: "1" } });
  admin = await t.login();
  userId = await t.createUser("ana@example.com", "ana-password-1");
});
afterAll(() => t.close());

const installScriptServer = async (headers: HeadersInit) => {
  const res = await t.handle("/cli/install.sh", { headers });
  expect(res.status).toBe(200);
  return /^AGNES_SERVER='([^']*)'$/m.exec(await res.text())?.[1];
};

async function resetLinkAndAuditIp(headers: HeadersInit): Promise<{ url: string; ip: string | null }> {
  t.clock.advance(1_000); // newest first: one entry per second
  const withAdmin = new Headers(headers);
  withAdmin.set("authorization", `Bearer ${admin}`);
  withAdmin.set("accept", "application/json");
  const res = await t.handle(`/api/users/${userId}/reset-password`, { method: "POST", headers: withAdmin });
  expect(res.status).toBe(200);
  const link = (await res.json()) as ResetLink;
  const audit = (await (await t.api("GET", "/api/audit?action=user.reset_link", { token: admin })).json()) as AuditEntry[];
  return { url: link.reset_url, ip: audit[0]!.ip };
}

describe("with TRUST_PROXY=1, the last entries", () => {
  test("install.sh, /install, the device verification_uri and reset links use the last host and protocol; the audit the last address", async () => {
    expect(await installScriptServer(PROXIED)).toBe("https://agnes.example.com");
    const page = await (await t.handle("/install", { headers: { ...PROXIED, accept: "text/html" } })).text();
    expect(page).toContain("https://agnes.example.com/cli/install.sh");
    expect(page).not.toContain("evil.example");
    const device = await t.handle("/auth/device/code", {
      method: "POST",
      headers: { ...PROXIED, "content-type": "application/json" },
      body: JSON.stringify({ client_name: "box" }),
    });
    expect(((await device.json()) as { verification_uri: string }).verification_uri).toBe("https://agnes.example.com/device");
    const { url, ip } = await resetLinkAndAuditIp(PROXIED);
    expect(url).toStartWith("https://agnes.example.com/auth/password/reset?token=");
    expect(ip).toBe("203.0.113.7");
  });

  test("several header lines are one list, in order", async () => {
    const headers = new Headers({ host: OWN_HOST });
    for (const [name, value] of [
      ["x-forwarded-host", "evil.example"],
      ["x-forwarded-host", "agnes.example.com:8443"],
      ["x-forwarded-proto", "http"],
      ["x-forwarded-proto", "https"],
    ]) {
      headers.append(name!, value!);
    }
    expect(await installScriptServer(headers)).toBe("https://agnes.example.com:8443");
  });

  test("a last entry that is not valid is ignored: the request's own Host, scheme and address, never an earlier entry", async () => {
    const headers = {
      host: OWN_HOST,
      "x-forwarded-host": "agnes.example.com, evil$(id)",
      "x-forwarded-proto": "https, javascript",
      "x-forwarded-for": "203.0.113.7, not-an-ip",
    };
    expect(await installScriptServer(headers)).toBe(`http://${OWN_HOST}`);
    const { url, ip } = await resetLinkAndAuditIp(headers);
    expect(url).toStartWith(`http://${OWN_HOST}/auth/password/reset?token=`);
    expect(ip).toBeNull(); // app.handle has no socket; a real server records the peer
    const emptyLast = { host: OWN_HOST, "x-forwarded-host": "agnes.example.com, ", "x-forwarded-proto": "https," };
    expect(await installScriptServer(emptyLast)).toBe(`http://${OWN_HOST}`);
  });

  test("the session cookie is Secure by the last X-Forwarded-Proto entry", async () => {
    const signIn = (proto: string) =>
      t.handle("/login", {
        method: "POST",
        headers: { host: OWN_HOST, "x-forwarded-proto": proto, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
      });
    const secureOf = (res: Response) =>
      res.headers
        .getSetCookie()
        .find((c) => c.startsWith("access_token="))
        ?.toLowerCase()
        .includes("; secure");
    const overHttp = await signIn("https, http");
    expect(cookieFrom(overHttp, "access_token")).toBeTruthy();
    expect(secureOf(overHttp)).toBe(false);
    expect(secureOf(await signIn("http, https"))).toBe(true);
  });

  test("a form's Origin is checked against the last host and protocol", async () => {
    const post = (origin: string) =>
      t.handle("/login", {
        method: "POST",
        headers: { ...PROXIED, origin, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: ADMIN_EMAIL, password: "wrong-password" }),
      });
    expect((await post("https://agnes.example.com")).status).not.toBe(403);
    expect((await post("http://evil.example")).status).toBe(403);
  });
});

test("without TRUST_PROXY no forwarded header is read", async () => {
  const plain = await createTestApp({ withAdmin: false });
  try {
    const script = await (await plain.handle("/cli/install.sh", { headers: PROXIED })).text();
    expect(script).toContain(`AGNES_SERVER='http://${OWN_HOST}'\n`);
    const device = await plain.handle("/auth/device/code", { method: "POST", headers: { ...PROXIED, "content-type": "application/json" }, body: "{}" });
    expect(((await device.json()) as { verification_uri: string }).verification_uri).toBe(`http://${OWN_HOST}/device`);
  } finally {
    await plain.close();
  }
});

// Entries a proxy or a client might send, tagged with whether the rule must accept them.
type Entry = { value: string; valid: boolean };
// Starting with a letter and without "--": a numeric last label would be parsed as IPv4, "xn--" as punycode.
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const validHost = fc.oneof(
  fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), port).map(([labels, p]) => labels.join(".") + (p ? `:${p}` : "")),
  fc.tuple(fc.ipV4(), port).map(([ip, p]) => ip + (p ? `:${p}` : "")),
  fc.constantFrom("[::1]", "[2001:db8::7]:8443", "AGNES.example.COM"),
);
const hostEntry: fc.Arbitrary<Entry> = fc.oneof(
  validHost.map((value) => ({ value, valid: true })),
  fc
    .tuple(validHost, fc.constantFrom("$(id)", "`id`", " x", "/p", "'", '"', "<b>", ":0", ":65536", "@evil"))
    .map(([h, bad]) => ({ value: h + bad, valid: false })),
  fc.constantFrom({ value: "", valid: false }, { value: "[zz]", valid: false }),
);
const protoEntry: fc.Arbitrary<Entry> = fc.oneof(
  fc.constantFrom("http", "https", "HTTPS").map((value) => ({ value, valid: true })),
  fc.constantFrom("", "ftp", "javascript", "https:", "http s", "wss").map((value) => ({ value, valid: false })),
);
const forEntry: fc.Arbitrary<Entry> = fc.oneof(
  fc.oneof(fc.ipV4(), fc.constantFrom("::1", "2001:db8::7", "203.0.113.7")).map((value) => ({ value, valid: true })),
  fc.constantFrom("", "unknown", "1.2.3", "203.0.113.7:8080", "[::1]", "_hidden", "evil.example").map((value) => ({ value, valid: false })),
);
const list = (entry: fc.Arbitrary<Entry>) => fc.option(fc.array(entry, { minLength: 1, maxLength: 4 }), { nil: undefined });

test("property: host, protocol and address all come from the last entries, or none of them from any entry", async () => {
  await fc.assert(
    fc.asyncProperty(list(hostEntry), list(protoEntry), list(forEntry), async (hosts, protos, fors) => {
      const headers = new Headers({ host: OWN_HOST });
      // Spread over header lines at random positions: the joined list is what counts.
      const add = (name: string, entries: Entry[] | undefined) => {
        if (!entries) return;
        const cut = entries.length > 1 ? 1 + (entries[0]!.value.length % (entries.length - 1)) : entries.length;
        for (const part of [entries.slice(0, cut), entries.slice(cut)]) if (part.length) headers.append(name, part.map((e) => e.value).join(", "));
      };
      add("x-forwarded-host", hosts);
      add("x-forwarded-proto", protos);
      add("x-forwarded-for", fors);
      const lastHost = hosts?.at(-1);
      const lastProto = protos?.at(-1);
      const lastFor = fors?.at(-1);
      const host = lastHost?.valid ? lastHost.value : OWN_HOST;
      const proto = lastProto?.valid ? lastProto.value.toLowerCase() : "http";
      const { url, ip } = await resetLinkAndAuditIp(headers);
      expect(url).toStartWith(`${proto}://${host}/auth/password/reset?token=`);
      expect(ip).toBe(lastFor?.valid ? lastFor.value : null);
    }),
    { numRuns: 60 },
  );
});
