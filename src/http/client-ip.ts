import type { Config } from "../config";
import { forwardedFor } from "./forwarded";

export type RequestIpSource = { requestIP(request: Request): { address: string } | null } | null | undefined;

/**
 * The client's IP: with TRUST_PROXY=1 the last X-Forwarded-For entry when it is an IP address (the
 * address our proxy saw; src/http/forwarded.ts has the one rule), else the socket's peer. An entry
 * that is not an IP address is ignored: it would otherwise land in rate-limit keys, the audit trail
 * and the sessions table, at any length the client likes.
 */
export function clientIp(request: Request, server: RequestIpSource, config: Pick<Config, "trustProxy">): string | null {
  return forwardedFor(request, config) ?? server?.requestIP(request)?.address ?? null;
}
