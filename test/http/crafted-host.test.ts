// A crafted Host header reaches the real server (app.handle cannot send one): Bun then leaves a bare
// path in request.url. Every route must still answer, install scripts must refuse with 400, and the
// server must keep serving afterwards.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../helpers/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
});

function rawGet(path: string, host: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let received = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port: Number(port),
      socket: {
        open: (socket) => void socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
        data: (_socket, chunk) => void (received += chunk.toString()),
        close: () => resolve(received),
        error: (_socket, error) => reject(error),
      },
    }).catch(reject);
  });
}

const statusOf = (response: string) => Number(response.split(" ")[1]);

describe("crafted Host header", () => {
  const hosts = ["evil`id`", "evil$(id)", "a b", "x/y", "a'b"];

  test.each(hosts)("install scripts refuse %p with 400 and a detail", async (host) => {
    for (const path of ["/cli/install.sh", "/cli/install.ps1", "/cli/manifest.json"]) {
      const response = await rawGet(path, host);
      expect(statusOf(response)).toBe(400);
      expect(response).toContain('"detail"');
      expect(response).not.toContain(host);
    }
  });

  test.each(hosts)("pages and the API still answer for %p", async (host) => {
    expect(statusOf(await rawGet("/health", host))).toBe(200);
    expect(statusOf(await rawGet("/login?next=/profile", host))).toBe(200);
    expect(statusOf(await rawGet("/dashboard", host))).toBe(302);
    expect(statusOf(await rawGet("/api/users", host))).toBe(401);
  });

  test("the server keeps serving afterwards", async () => {
    await rawGet("/cli/install.sh", "evil`id`");
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
