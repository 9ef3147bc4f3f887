// biome-ignore-all format: mostly tables of hostile values, kept a screenful wide on purpose
// fast-check generators for hostile requests, shared by test/hostile/*.test.ts and bench/fuzz.ts.
// A generated request is symbolic where it needs run-time values (the server's port, the harness
// accounts' ids and tokens); `materialise` (materialise.ts) turns it into raw bytes for one server.
import fc from "fast-check";
import type { Route } from "./routes";

/** How big and deep bodies may get: small in `bun test`, large in the fuzz bench. */
export type Sizes = { maxDepth: number; maxBytes: number; maxCookies: number };
export const TEST_SIZES: Sizes = { maxDepth: 2_000, maxBytes: 64 * 1024, maxCookies: 200 };
export const BENCH_SIZES: Sizes = { maxDepth: 300_000, maxBytes: 1024 * 1024, maxCookies: 1_000 };

export type Symbolic =
  | { kind: "none" }
  | { kind: "raw"; value: string }
  | { kind: "admin" } // the harness admin's valid session token
  | { kind: "victimPat" } // a valid PAT of an analyst
  | { kind: "adminAlgNone" } // the admin's real claims, re-signed with alg:none
  | { kind: "adminTampered" } // the admin's real token with a changed payload, old signature
  | { kind: "victimPatFlipped" }; // the analyst's PAT with one character changed

export type HostileInput = {
  route: Route;
  method: string;
  /** Value for :id / :target / :file / :name; "victim" and "victimPat" are resolved from the accounts. */
  param: string;
  query: string;
  host: { kind: "ok" } | { kind: "none" } | { kind: "raw"; value: string };
  cookie: Symbolic;
  authorization: Symbolic;
  contentType: string | null;
  contentLength: "auto" | "omit" | "shorter" | "longer" | "double" | { raw: string };
  origin: { kind: "none" } | { kind: "same" } | { kind: "raw"; value: string };
  body: { kind: "none" } | { kind: "text"; value: string } | { kind: "bytes"; value: Uint8Array } | { kind: "nested"; open: string; close: string; inner: string; depth: number };
};

// ---------------------------------------------------------------- pieces

/** Header-safe text: anything but CR, LF and NUL (those would change the framing, not the value). */
const headerText = (maxLength = 64) => fc.string({ unit: "binary", maxLength }).map((s) => s.replace(/[\r\n\0]/g, ""));

export const hostileHosts = [
  "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:99999", "localhost:-1", "localhost:+80", "localhost:8000:9000",
  "[::1", "[zz]", "[::1]]", "[]", "[::1]:99999", "::1", "a:b:c", "a b", " ", "", "ü.example", "例え.テスト",
  "x/y", "evil`id`", "evil$(id)", "a'b", "%41", "a\tb", "user@host", "host#frag", "host?q=1", "..", "a".repeat(300),
];

export const hostArb: fc.Arbitrary<HostileInput["host"]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "ok" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 4, arbitrary: fc.constantFrom(...hostileHosts).map((value) => ({ kind: "raw" as const, value })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom("127.0.0.1", "localhost", "[::1]", "[::1", "a:b", "ü", ""),
        fc.oneof(fc.integer({ min: -10, max: 200_000 }).map(String), fc.constantFrom("0", "65535", "65536", "99999", "", "x", "1e3", "0x50")),
      )
      .map(([name, port]) => ({ kind: "raw" as const, value: `${name}:${port}` })),
  },
  { weight: 2, arbitrary: headerText(40).map((value) => ({ kind: "raw" as const, value })) },
);

/** base64url of a string, or of a value's JSON: the pieces of a JWT. */
export const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const base62 = (n: number) => fc.string({ unit: fc.constantFrom(...BASE62), minLength: n, maxLength: n });

/** Strings that look like credentials but are not. */
export const fakeCredentialArb: fc.Arbitrary<string> = fc.oneof(
  base62(38).map((s) => `agnes_pat_${s}`), // right shape, (almost surely) wrong checksum
  fc.integer({ min: 0, max: 80 }).chain((n) => base62(n)).map((s) => `agnes_pat_${s}`),
  fc.constantFrom("agnes_pat_", `agnes_pat_${"0".repeat(38)}`, `AGNES_PAT_${"a".repeat(38)}`, `agnes_pat_${"é".repeat(38)}`),
  fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), headerText(20)).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${b64(s)}`),
  fc.jsonValue({ maxDepth: 2 }).map((p) => `${b64({ alg: "none", typ: "JWT" })}.${b64(p)}.`),
  fc.constantFrom(
    `${b64({ alg: "none" })}.${b64({ sub: "x", typ: "session", role: "admin", exp: 9_999_999_999 })}.`,
    `${b64({ alg: "HS256" })}.${b64({ sub: "x", typ: "session", exp: 9_999_999_999 })}.${b64("sig")}`,
    "eyJ", "eyJ.eyJ.", "a.b.c", "...", ".", "null", "undefined", "[object Object]",
  ),
  headerText(200),
);

export const credentialArb: fc.Arbitrary<Symbolic> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 6, arbitrary: fakeCredentialArb.map((value) => ({ kind: "raw" as const, value })) },
  { weight: 2, arbitrary: fc.constantFrom<Symbolic>({ kind: "adminAlgNone" }, { kind: "adminTampered" }, { kind: "victimPatFlipped" }) },
  { weight: 2, arbitrary: fc.constantFrom<Symbolic>({ kind: "admin" }, { kind: "victimPat" }) },
);

/** Authorization header values: schemes and shapes around the credential. */
export const authorizationArb: fc.Arbitrary<Symbolic> = fc.oneof(
  { weight: 4, arbitrary: credentialArb.map((c) => (c.kind === "raw" ? { kind: "raw" as const, value: `Bearer ${c.value}` } : c)) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom("Basic", "Digest", "Token", "bearer", "BEARER", "Bearer", "Bearer  ", "Negotiate", ""), fakeCredentialArb)
      .map(([scheme, value]) => ({ kind: "raw" as const, value: `${scheme} ${value}` })),
  },
  { weight: 1, arbitrary: fc.constantFrom("Bearer", "Bearer ", "Basic", "Bearer a b", "Bearer\ttoken", ",", `Bearer ${"A".repeat(8000)}`).map((value) => ({ kind: "raw" as const, value })) },
);

export const cookieArb = (sizes: Sizes): fc.Arbitrary<Symbolic> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: "none" as const }) },
    { weight: 2, arbitrary: credentialArb.map((c) => (c.kind === "raw" ? { kind: "raw" as const, value: `access_token=${c.value}` } : c)) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          "=", ";;;", "access_token", "access_token=", "access_token=%", "access_token=%E0%A4%A", "access_token=%zz",
          "access_token=a; access_token=b", "flash=!!!!", "flash=%", `flash=${b64({ kind: "ok", message: 1 })}`,
          `flash=${b64({ kind: "error", message: "<script>x</script>", reveal: {} })}`, `flash=${b64("[[[[[[")}`, "flash=e30",
          "a=b=c=d", "\"quoted\"=\"v\"", "access_token=\"x\"", "; access_token=x;", `flash=${"A".repeat(5000)}`,
        )
        .map((value) => ({ kind: "raw" as const, value })),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(fc.string({ maxLength: 10 }), headerText(30)), { maxLength: sizes.maxCookies })
        .map((pairs) => ({ kind: "raw" as const, value: pairs.map(([k, v]) => `${k.replace(/[\r\n\0;=]/g, "")}=${v.replace(/;/g, "")}`).join("; ") })),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }).map((kb) => ({ kind: "raw" as const, value: `access_token=${"x".repeat(kb * 1024)}` })) },
  );

export const contentTypeArb: fc.Arbitrary<string | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(
    "application/json", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xyz", "text/plain", "application/json; charset=utf-16", 'application/json; charset=""',
    "application/json;;;", "APPLICATION/JSON", "application/xml", "application/octet-stream", "application/json, text/html",
    "application/x-www-form-urlencoded; charset=latin1", "application/*", "*/*", ";", "", "application/json; boundary=x",
  ),
  headerText(40),
);

export const contentLengthArb: fc.Arbitrary<HostileInput["contentLength"]> = fc.oneof(
  { weight: 6, arbitrary: fc.constant("auto" as const) },
  { weight: 3, arbitrary: fc.constantFrom("omit" as const, "shorter" as const, "longer" as const, "double" as const) },
  { weight: 2, arbitrary: fc.constantFrom("-1", "abc", "1e3", " 5", "99999999999999999999", "0x10", "", "+3").map((raw) => ({ raw })) },
);

export const originArb: fc.Arbitrary<HostileInput["origin"]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: "same" as const }) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(fc.constantFrom("null", "http://evil.example", "https://127.0.0.1", "http://127.0.0.1", "http://127.0.0.1:1.evil.example", "file://", "*", ""), headerText(40))
      .map((value) => ({ kind: "raw" as const, value })),
  },
);

const FIELDS = ["email", "password", "name", "role", "active", "expires_in_days", "next", "token", "setup_code", "password_confirm", "_csrf", "back", "confirm", "current_password", "new_password", "new_password_confirm"];

/** Values of the wrong type, wrong size or odd content. */
const oddValue = (sizes: Sizes) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ unit: "binary", maxLength: 50 }),
    fc.constantFrom("", " ", "admin", "viewer", "superuser", "true", "null", "-1", "1e309", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "\u0000", "\ud800"),
    fc.integer({ min: 1, max: sizes.maxBytes / 1024 }).map((kb) => "a".repeat(kb * 1024)),
  );

const deepArb = (sizes: Sizes) =>
  fc
    .tuple(
      fc.constantFrom(["[", "]", "1"], ['{"a":', "}", "1"], ['{"email":', "}", '"x"'], ['[{"a":[', "]}]", "null"]),
      // Mostly cheap depths; now and then the full size (which costs the server seconds today).
      fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: Math.min(2_000, sizes.maxDepth) }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: sizes.maxDepth }) }),
    )
    .map(([[open, close, inner], depth]) => ({ kind: "nested" as const, open: open!, close: close!, inner: inner!, depth }));

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates included, as U+FFFD), never throws. */
export const pct = (v: string) => [...Buffer.from(v, "utf8")].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

const formText = (fields: [string, string][]) => fields.map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&");

const multipart = (fields: [string, string][], boundary: string) =>
  `${fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("")}--${boundary}--\r\n`;

export const bodyArb = (sizes: Sizes): fc.Arbitrary<HostileInput["body"]> => {
  const fields = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 12 })), oddValue(sizes)), { maxLength: 6 });
  const stringFields = fields.map((fs) => fs.map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v) ?? ""] as [string, string]));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: "none" as const }) },
    { weight: 3, arbitrary: fields.map((fs) => ({ kind: "text" as const, value: JSON.stringify(Object.fromEntries(fs)) })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: "text" as const, value: JSON.stringify(v) ?? "null" })) },
    { weight: 2, arbitrary: stringFields.map((fs) => ({ kind: "text" as const, value: formText(fs) })) },
    { weight: 1, arbitrary: fc.tuple(stringFields, fc.constantFrom("xyz", "", "a".repeat(80))).map(([fs, b]) => ({ kind: "text" as const, value: multipart(fs, b) })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("{", "[", '{"email":', "email=%", "email=%E0%A4%A&password=%zz", "a=1&a=2&a=3", "=&=&=", "{}}", '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', "\ufeff{}", "NaN", "1".repeat(400))
        .map((value) => ({ kind: "text" as const, value })),
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((value) => ({ kind: "bytes" as const, value })) },
    { weight: 1, arbitrary: fc.constantFrom(new Uint8Array([0x7b, 0x22, 0x65, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x3d, 0xc3, 0x28]), new Uint8Array([0xed, 0xa0, 0x80])).map((value) => ({ kind: "bytes" as const, value })) },
    { weight: 2, arbitrary: deepArb(sizes) },
  );
};

export const queryArb = (sizes: Sizes): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant("") },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "?next=a&next=b", "?next=%", "?next=%zz", "?next=%E0%A4%A", "?token=%00", "?limit=-1", "?limit=1e999", "?limit=99999999999999999999",
        "?offset=99999999999999", "?offset=-5", "?q=%27", "?q=%25", "?active=maybe", "?state=x", "?role[]=admin", "?os=&arch=", "?os=linux&arch=../..",
        "?os=%00", `?token=${"a".repeat(150)}`, "?user=%", "?&&&", "?=", "?a=1;b=2", "?%", "?limit=1&limit=2", "?status=deactivated&role=admin",
        "?__proto__[x]=1", "?constructor=1", "#frag", "?x=%F0%9F%98%80",
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(fc.constantFrom("next", "token", "limit", "offset", "q", "role", "active", "state", "os", "arch", "user", "actor", "action", "target", "status"), fc.string({ unit: "binary", maxLength: 30 })), { maxLength: 8 })
        .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${pct(v)}`).join("&")}`),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.min(64, sizes.maxBytes / 1024) }).map((kb) => `?next=${"a".repeat(kb * 1024)}&q=${"%".repeat(kb)}`) },
  );

export const methodArb = (route: Route): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(route.method) },
    { weight: 2, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "get", "FOO", "M-SEARCH") },
  );

export const paramArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("victim", "victimPat", "linux-x64", "app.js", "app.css"),
  fc.uuid().map(String),
  fc.constantFrom("..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%00", "a%2Fb", "%", "%zz", "ü", "%F0%9F%98%80", "a".repeat(3000), "-1", "0", "null", "'", "*"),
);

// ---------------------------------------------------------------- whole requests

export type Dimension = "host" | "cookie" | "authorization" | "framing" | "origin" | "body" | "query" | "method" | "all";

/** A request for `route` whose one `dimension` is hostile; the others are what a normal client sends (with `all`, everything varies). */
export function hostileInputArb(routes: Route[], dimension: Dimension, sizes: Sizes): fc.Arbitrary<HostileInput> {
  const vary = <T>(d: Dimension, hostile: fc.Arbitrary<T>, normal: T): fc.Arbitrary<T> =>
    dimension === "all" || dimension === d ? hostile : fc.constant(normal);
  return fc.constantFrom(...routes).chain((route) =>
    fc.record({
      route: fc.constant(route),
      method: vary("method", methodArb(route), route.method),
      param: paramArb,
      query: vary("query", queryArb(sizes), ""),
      host: vary("host", hostArb, { kind: "ok" as const }),
      cookie: vary("cookie", cookieArb(sizes), { kind: "none" as const }),
      // Body and query hostility is more interesting past the auth guard, so those vary the credential too.
      authorization: dimension === "body" || dimension === "query" || dimension === "method" ? credentialArb : vary("authorization", authorizationArb, { kind: "none" as const }),
      contentType: vary("framing", contentTypeArb, route.body === "json" ? "application/json" : route.body === "form" ? "application/x-www-form-urlencoded" : null),
      contentLength: vary("framing", contentLengthArb, "auto" as const),
      origin: vary("origin", originArb, { kind: "none" as const }),
      body: dimension === "all" || dimension === "body" || dimension === "framing" ? bodyArb(sizes) : fc.constant({ kind: "none" as const }),
    }),
  );
}
