// Bun builds request.url from the Host header, and `app.handle` never sees what a raw socket can
// send, so these run against the real server process. A Host that is not a valid host[:port] is
// refused with 400 on every route; such a request once ended the process (a throw in the
// after-response log) or showed Bun's development error page with stack frames.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../helpers/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

/** Sends `text` as it is over a new connection and returns everything the server answered. */
function raw(text: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let received = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port: Number(port),
      socket: {
        open: (socket) => void socket.write(text),
        data: (_socket, chunk) => void (received += chunk.toString()),
        close: () => resolve(received),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
}

function rawRequest(method: string, path: string, host: string): Promise<string> {
  return raw(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

const statusOf = (response: string) => Number(response.split(" ")[1]);
const bodyOf = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);

const BAD_HOSTS = [
  "evil`id`",
  "evil$(id)",
  "a b",
  "x/y",
  "a'b", // shell and path characters
  "localhost:0",
  "localhost:65536",
  "localhost:99999",
  ":80",
  "a:b:c", // ports and colons
  "[::1",
  "[zz]",
  "[::1]:70000",
  "[::1]x", // broken IPv6 literals
  "éxample.com",
  "exa\u200bmple.com", // raw Unicode (browsers send punycode)
];
const ROUTES: [string, string][] = [
  ["GET", "/health"],
  ["GET", "/login?next=/profile"],
  ["GET", "/dashboard"],
  ["GET", "/api/users"],
  ["GET", "/cli/install.sh"],
  ["GET", "/cli/manifest.json"],
  ["GET", "/nope"],
  ["POST", "/auth/token"],
  ["POST", "/login"],
];

describe("a Host that is not a valid host[:port]", () => {
  test.each(BAD_HOSTS)("%p is refused with 400 on every route, with no stack and no echo", async (host) => {
    for (const [method, path] of ROUTES) {
      const response = await rawRequest(method, path, host);
      expect(statusOf(response)).toBe(400);
      const body = bodyOf(response);
      expect(body).toMatch(/Host header/);
      expect(body).not.toMatch(/\bat \S+ \(|\/work\/|node_modules|\.ts:\d+/);
      expect(body).not.toContain(host);
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  // An empty port ("localhost:") is valid URI syntax (RFC 3986 §3.2.3): the default port.
  test.each(["localhost", "localhost:1", "localhost:", "127.0.0.1:65535", "[::1]:8000", "[::1]", "agnes.example.com", "agnes_svc:8000"])(
    "%p is accepted",
    async (host) => {
      expect(statusOf(await rawRequest("GET", "/health", host))).toBe(200);
    },
  );
});

test("without a Host header (HTTP/1.0, a load balancer's health check) /health and /ready answer, nothing else", async () => {
  expect(statusOf(await raw("GET /health HTTP/1.0\r\n\r\n"))).toBe(200);
  expect(statusOf(await raw("GET /ready HTTP/1.0\r\n\r\n"))).toBe(200);
  // Bun hands such a request a relative URL, of which Elysia's router once took the wrong part:
  // `/xxxxxxxxxx/api/users` ran /api/users and was logged under the longer path.
  for (const path of ["/xxxxxxxxxx/api/users", "/api/users", "/login"]) {
    const response = await raw(`GET ${path} HTTP/1.0\r\n\r\n`);
    expect(statusOf(response)).toBe(400);
    expect(bodyOf(response)).toContain("Send a Host header");
  }
});

test("a short host name routes the path it was sent with", async () => {
  // Elysia's default assumes a host of at least 4 characters and once routed `/q/health` to /health.
  for (const host of ["a", "ab", "abc", "0"]) {
    expect(statusOf(await rawRequest("GET", "/health", host))).toBe(200);
    expect(statusOf(await rawRequest("GET", "/q/health", host))).toBe(404);
    expect(statusOf(await rawRequest("POST", "/zz/auth/token", host))).toBe(404);
  }
});

test("a second Host header cannot steer links: what builds them from the Host refuses it", async () => {
  const send = (path: string) => raw(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
  const script = await send("/cli/install.sh");
  expect(statusOf(script)).toBe(400);
  expect(bodyOf(script)).not.toContain("evil.example");
  expect(statusOf(await send("/health"))).toBe(200);
});
