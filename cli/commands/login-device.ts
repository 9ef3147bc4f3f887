// `da login --device`: the device flow (RFC 8628), for a machine without a browser. da shows a
// one-time code and where to enter it, then polls at the server's interval (slower when told
// `slow_down`) until someone confirms in a signed-in browser, cancels, or the code runs out.
import { hostname } from "node:os";
import type { DeviceAuthorization, GrantErrorBody, LoginResponse } from "../../src/shared/contract";
import { Api } from "../api";
import { CliError } from "../errors";
import { bold, info } from "../output";
import { olderServer, pause, waitForPerson } from "./login-wait";
import { sys } from "../system";

const AGAIN = "run da login --device again";

async function requestCode(api: Api): Promise<DeviceAuthorization> {
  const response = await api.send("POST", "/auth/device/code", { body: { client_name: hostname() }, auth: false });
  if (response.status === 404) throw olderServer(api.server, "sign-in with a code");
  if (!response.ok) throw await api.failure(response, { auth: false });
  return (await response.json()) as DeviceAuthorization;
}

/** One poll: the session, or how long to wait before the next one. */
async function pollOnce(api: Api, deviceCode: string, interval: number): Promise<LoginResponse | { wait: number }> {
  const response = await api.send("POST", "/auth/device/token", { body: { device_code: deviceCode }, auth: false });
  if (response.ok) return (await response.json()) as LoginResponse;
  if (response.status === 429) return { wait: Math.max(interval, Number(response.headers.get("retry-after")) || interval) };
  const body = (await response.json().catch(() => ({}))) as Partial<GrantErrorBody>;
  switch (body.error) {
    case "authorization_pending":
      return { wait: interval };
    case "slow_down":
      return { wait: body.interval ?? interval + 5 };
    case "expired_token":
      throw new CliError("the code expired before anyone confirmed it; nothing was stored", AGAIN);
    case "access_denied":
      throw new CliError("the sign-in was cancelled in the browser; nothing was stored");
    default:
      throw new CliError(`${body.detail ?? `the server answered ${response.status}`}; nothing was stored`, AGAIN);
  }
}

async function pollUntilDone(api: Api, code: DeviceAuthorization, signal: AbortSignal): Promise<LoginResponse> {
  let interval = Math.max(1, code.interval);
  const deadline = Date.now() + code.expires_in * 1000;
  while (Date.now() < deadline && !signal.aborted) {
    await pause(interval * 1000, signal);
    if (signal.aborted) break;
    const result = await pollOnce(api, code.device_code, interval);
    if (!("wait" in result)) return result;
    interval = result.wait;
  }
  throw new CliError("the code expired before anyone confirmed it; nothing was stored", AGAIN);
}

export async function deviceLogin(server: string): Promise<LoginResponse> {
  const api = new Api(server, null);
  const code = await requestCode(api);
  info(`! Your one-time code: ${bold(code.user_code, sys().stderr)}`);
  info(`Open ${code.verification_uri} in a browser on any device, sign in, and enter the code.`);
  info(`(Or open ${code.verification_uri_complete})`);
  info("Waiting for you to confirm (Ctrl-C to cancel)…");
  return waitForPerson("the code to be confirmed", AGAIN, (signal) => pollUntilDone(api, code, signal));
}
