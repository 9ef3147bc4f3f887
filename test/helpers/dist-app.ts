// The in-process app serving a given CLI_DIST_DIR, for the /cli/* HTTP tests, with a `handle` that
// takes only request headers (Host, X-Forwarded-*, Range are what these tests vary).
import { createTestApp, type TestApp } from "./app";

export type DistApp = { t: TestApp; handle: (path: string, headers?: Record<string, string>) => Promise<Response> };

export async function distApp(distDir: string, env: Record<string, string> = {}): Promise<DistApp> {
  const t = await createTestApp({ env: { CLI_DIST_DIR: distDir, ...env } });
  return { t, handle: (path, headers = {}) => t.handle(path, { headers }) };
}
