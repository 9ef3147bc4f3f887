// The URL users reach this server at. It is baked into install scripts and emails, so it must be a
// plain http(s)://host[:port][/path] with nothing a shell or an HTML page could interpret.
import { z } from "zod";
import type { Config } from "../config";
import { BadRequest } from "./errors";
import { requestUrl } from "./request-url";

const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const PLAIN_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~\/-]*)?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?(\/[A-Za-z0-9._~\/-]*)?$/;

export function isPlainUrl(value: string): boolean {
  return PLAIN_URL.test(value);
}

export const publicUrlSchema = z
  .string()
  .refine(isPlainUrl, "expected a plain URL like https://agnes.example.com or http://host:8000/prefix")
  .transform((v) => v.replace(/\/+$/, ""));

/**
 * The public base URL for this request: PUBLIC_URL when set; else the request's own scheme and Host
 * (X-Forwarded-Proto/-Host only with TRUST_PROXY=1). A Host that is not a plain host[:port] → 400.
 */
export function publicBaseUrl(request: Request, config: Pick<Config, "publicUrl" | "trustProxy">): string {
  if (config.publicUrl) return config.publicUrl;
  const url = requestUrl(request);
  let proto = url.protocol.replace(":", "");
  let host = request.headers.get("host") ?? url.host;
  if (config.trustProxy) {
    proto = firstForwarded(request.headers.get("x-forwarded-proto")) ?? proto;
    host = firstForwarded(request.headers.get("x-forwarded-host")) ?? host;
  }
  if (!PLAIN_HOST.test(host) || (proto !== "http" && proto !== "https")) {
    throw new BadRequest("The Host header is not a plain host[:port]; set PUBLIC_URL on the server");
  }
  return `${proto}://${host}`;
}

function firstForwarded(value: string | null): string | undefined {
  const first = value?.split(",")[0]?.trim();
  return first ? first : undefined;
}
