import { isIP } from "node:net";
import type { Config } from "../config";

export type RequestIpSource = { requestIP(request: Request): { address: string } | null } | null | undefined;

/**
 * The client's IP. X-Forwarded-For is honoured only with TRUST_PROXY=1, and then its last entry is
 * used: that is the address our proxy saw; earlier entries are whatever the client chose to send.
 * An entry that is not an IP address is ignored: it would otherwise land in rate-limit keys, the
 * audit trail and the sessions table, at any length the client likes.
 */
export function clientIp(request: Request, server: RequestIpSource, config: Pick<Config, "trustProxy">): string | null {
  if (config.trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last && isIP(last)) return last;
  }
  return server?.requestIP(request)?.address ?? null;
}
