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

function rawRequest(method: string, path: string, host: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let received = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port: Number(port),
      socket: {
        open: (socket) => void socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`),
        data: (_socket, chunk) => void (received += chunk.toString()),
        close: () => resolve(received),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
}

const statusOf = (response: string) => Number(response.split(" ")[1]);
const bodyOf = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);

const BAD_HOSTS = [
  "evil`id`", "evil$(id)", "a b", "x/y", "a'b", // shell and path characters
  "localhost:0", "localhost:65536", "localhost:99999", "localhost:", ":80", "a:b:c", // ports and colons
  "[::1", "[zz]", "[::1]:70000", "[::1]x", // broken IPv6 literals
  "éxample.com", "exa\u200bmple.com", // raw Unicode (browsers send punycode)
];
const ROUTES: [string, string][] = [
  ["GET", "/health"], ["GET", "/login?next=/profile"], ["GET", "/dashboard"], ["GET", "/api/users"],
  ["GET", "/cli/install.sh"], ["GET", "/cli/manifest.json"], ["GET", "/nope"], ["POST", "/auth/token"], ["POST", "/login"],
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

  test.each(["localhost", "localhost:1", "127.0.0.1:65535", "[::1]:8000", "[::1]", "agnes.example.com", "agnes_svc:8000"])(
    "%p is accepted",
    async (host) => {
      expect(statusOf(await rawRequest("GET", "/health", host))).toBe(200);
    },
  );
});

test("a request without a Host header (HTTP/1.0, a load balancer's health check) is served", async () => {
  const { port } = new URL(server.url);
  const response = await new Promise<string>((resolve, reject) => {
    let received = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port: Number(port),
      socket: {
        open: (socket) => void socket.write("GET /health HTTP/1.0\r\n\r\n"),
        data: (_socket, chunk) => void (received += chunk.toString()),
        close: () => resolve(received),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
  expect(statusOf(response)).toBe(200);
});
