// Runs the server's operator commands (`bun src/server.ts restore|recover-admin …`) as an operator
// would, with a clean environment plus DATA_DIR.
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");

export type OpsResult = { code: number; stdout: string; stderr: string };

export async function runServerCommand(args: string[], env: Record<string, string>): Promise<OpsResult> {
  const proc = Bun.spawn(["bun", "src/server.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: 60_000,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** JSON over HTTP to a running server, with an optional bearer. */
export async function call(url: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  return fetch(url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}

export async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await call(url, "POST", "/auth/token", { body: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
