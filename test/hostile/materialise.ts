// From a generated hostile input (test/hostile/generators.ts) to the raw request for one server:
// the symbolic credentials and ids resolved against the harness accounts, the body as bytes and
// the framing headers the input asks for.
import type { Accounts } from "./harness";
import { b64, type HostileInput, type Symbolic } from "./generators";
import type { RawRequest } from "./raw-http";

function flipOne(s: string): string {
  const i = s.length - 3;
  return s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
}

export function resolveCredential(c: Symbolic, acc: Accounts): string | null {
  switch (c.kind) {
    case "none":
      return null;
    case "raw":
      return c.value;
    case "admin":
      return acc.adminToken;
    case "victimPat":
      return acc.victimPat;
    case "victimPatFlipped":
      return flipOne(acc.victimPat);
    case "adminAlgNone": {
      const [, payload] = acc.adminToken.split(".");
      return `${b64({ alg: "none", typ: "JWT" })}.${payload}.`;
    }
    case "adminTampered": {
      const [header, payload, sig] = acc.adminToken.split(".");
      const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
      return `${header}.${b64({ ...claims, exp: claims.exp + 3600, role: "admin" })}.${sig}`;
    }
  }
}

export function bodyBytes(body: HostileInput["body"]): Uint8Array | undefined {
  switch (body.kind) {
    case "none":
      return undefined;
    case "text":
      return new TextEncoder().encode(body.value);
    case "bytes":
      return body.value;
    case "nested":
      return new TextEncoder().encode(body.open.repeat(body.depth) + body.inner + body.close.repeat(body.depth));
  }
}

export function targetPath(input: Pick<HostileInput, "route" | "param" | "query">, acc: Accounts): string {
  const param = input.param === "victim" ? acc.victimId : input.param === "victimPat" ? acc.victimPatId : input.param;
  return input.route.path.replace(/:(id|target|file|name|token)/, param) + input.query;
}

/** The raw request for one server. The harness admin's own credential never goes to routes that would end its session. */
export function materialise(input: HostileInput, port: number, acc: Accounts): RawRequest {
  const headers: [string, string][] = [];
  if (input.host.kind === "ok") headers.push(["Host", `127.0.0.1:${port}`]);
  else if (input.host.kind === "raw") headers.push(["Host", input.host.value]);
  const guard = (c: Symbolic): Symbolic => (input.route.noAdminCredential && c.kind === "admin" ? { kind: "none" } : c);
  const auth = resolveCredential(guard(input.authorization), acc);
  if (auth !== null) headers.push(["Authorization", input.authorization.kind === "raw" ? auth : `Bearer ${auth}`]);
  const cookie = resolveCredential(guard(input.cookie), acc);
  if (cookie !== null) headers.push(["Cookie", input.cookie.kind === "raw" ? cookie : `access_token=${cookie}`]);
  if (input.origin.kind === "same") headers.push(["Origin", `http://127.0.0.1:${port}`]);
  else if (input.origin.kind === "raw") headers.push(["Origin", input.origin.value]);
  if (input.contentType !== null) headers.push(["Content-Type", input.contentType]);
  headers.push(["Accept", input.route.api ? "application/json" : "text/html"]);
  headers.push(["Connection", "close"]);
  const body = bodyBytes(input.body);
  const length = body?.length ?? 0;
  const cl = input.contentLength;
  if (cl === "shorter") headers.push(["Content-Length", String(Math.max(0, length - 1))]);
  else if (cl === "longer") headers.push(["Content-Length", String(length + 10)]);
  else if (cl === "double") headers.push(["Content-Length", String(length)], ["Content-Length", String(length + 1)]);
  else if (typeof cl === "object") headers.push(["Content-Length", cl.raw]);
  return { method: input.method, target: targetPath(input, acc), headers, body, autoLength: cl === "auto" };
}

/** A short, printable form of a request (for failure reports and the bench). */
export function describeRequest(req: RawRequest): string {
  const body = req.body === undefined ? "" : typeof req.body === "string" ? req.body : Buffer.from(req.body).toString("latin1");
  const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const head = [`${req.method} ${short(req.target, 200)}`, ...req.headers.map(([k, v]) => `${k}: ${short(v, 200)}`)].join("\n  ");
  return JSON.stringify(`${head}\n\n${short(body, 200)}`)
    .slice(1, -1)
    .replace(/\\n/g, "\n");
}
