// HTTP for `da update`. Redirects within the configured server are followed; a redirect to another
// origin is not: that is where the binary `da` is about to run would come from, so the user is told
// "the server moved to <url>" and decides (`da login --server <url>`), instead of it happening silently.
import type { Manifest } from "../../src/shared/contract";
import type { Api, RequestOptions } from "../api";
import { CliError } from "../errors";
import type { Spinner } from "../prompts";

const MAX_REDIRECTS = 5;
export const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

function moved(server: string, requested: URL, next: URL): CliError {
  // When the path is kept, the new server is the part before it; else name the whole target.
  const base = next.pathname.endsWith(requested.pathname) ? `${next.origin}${next.pathname.slice(0, -requested.pathname.length)}` : next.href;
  return new CliError(
    `the server moved to ${base} (${server} redirected ${requested.pathname} there); nothing was changed`,
    `if you trust it, point da at it: da login --server ${base} (or set DA_SERVER), then run da update again`,
  );
}

/** GET `path` on the server, following redirects only while they stay on the server's origin. */
export async function getOnServer(api: Api, path: string, opts: RequestOptions = {}): Promise<Response> {
  const origin = new URL(api.server).origin;
  let url = new URL(api.url(path));
  const requested = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await api.send("GET", url.href, { ...opts, auth: false });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status > 399 || response.status === 304 || !location) return response;
    await response.body?.cancel();
    const next = new URL(location, url);
    if (next.origin !== origin) throw moved(api.server, requested, next);
    url = next;
  }
  throw new CliError(`${api.server} redirected ${path} more than ${MAX_REDIRECTS} times; nothing was changed`, "tell your Agnes admin");
}

function isManifest(value: unknown): value is Manifest {
  const m = value as Partial<Manifest> | null;
  return typeof m?.version === "string" && Array.isArray(m.targets);
}

export async function fetchManifest(api: Api): Promise<Manifest> {
  const response = await getOnServer(api, "/cli/manifest.json");
  if (response.status === 404) {
    await response.body?.cancel();
    throw new CliError(`${api.server} has no da binaries to offer (no /cli/manifest.json)`, "is --server pointing at an Agnes server?");
  }
  if (!response.ok) throw await api.failure(response, { auth: false });
  const body: unknown = await response.json().catch(() => null);
  if (!isManifest(body)) throw new CliError(`${api.server}/cli/manifest.json is not a da manifest`, "is --server pointing at an Agnes server?");
  return body;
}

/** The whole binary in memory (≈100 MB): it is hashed before a byte of it reaches the disk. */
export async function downloadBinary(api: Api, target: string, spinner: Spinner): Promise<Uint8Array> {
  const response = await getOnServer(api, `/cli/download/${target}`, { timeoutMs: DOWNLOAD_TIMEOUT_MS }).catch((error: unknown) => {
    spinner.fail("Download failed");
    throw error;
  });
  if (!response.ok || !response.body) {
    spinner.fail("Download failed");
    throw await api.failure(response, { auth: false });
  }
  const chunks: Uint8Array[] = [];
  const reader = response.body.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
  } catch (error) {
    spinner.fail("Download failed");
    throw api.unreachable(error, DOWNLOAD_TIMEOUT_MS);
  }
  return Buffer.concat(chunks);
}
