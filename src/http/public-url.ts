// The URL users reach this server at. It is baked into install scripts and emails, so it must be a
// plain http(s)://host[:port][/path] with nothing a shell or an HTML page could interpret.
import { z } from "zod";
import type { Config } from "../config";
import { BadRequest } from "../shared/errors";
import { isPlainHost, requestOrigin } from "./forwarded";

const PLAIN_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/;

export function isPlainUrl(value: string): boolean {
  return PLAIN_URL.test(value);
}

export const publicUrlSchema = z
  .string()
  .refine(isPlainUrl, "expected a plain URL like https://agnes.example.com or http://host:8000/prefix")
  .transform((v) => v.replace(/\/+$/, ""));

/**
 * The public base URL for this request: PUBLIC_URL when set; else how the user reached us
 * (requestOrigin: the last X-Forwarded-Host/-Proto entries with TRUST_PROXY=1, else the request's own
 * scheme and Host). Every link, install script and verification URI is built from this one function.
 * A Host that is not a plain host[:port] → 400.
 */
export function publicBaseUrl(request: Request, config: Pick<Config, "publicUrl" | "trustProxy">): string {
  if (config.publicUrl) return config.publicUrl;
  const { proto, host } = requestOrigin(request, config);
  if (!isPlainHost(host) || (proto !== "http" && proto !== "https")) {
    throw new BadRequest("The Host header is not a plain host[:port]; set PUBLIC_URL on the server");
  }
  return `${proto}://${host}`;
}

/** What the operator is told at start when PUBLIC_URL is unset (null when it is set). */
export function publicUrlUnsetHint(config: Pick<Config, "publicUrl" | "trustProxy">): string | null {
  if (config.publicUrl) return null;
  const source = config.trustProxy
    ? "the last X-Forwarded-Host and X-Forwarded-Proto entries (TRUST_PROXY=1: your proxy must set or append them, or a client's own values pass through), else each request's Host"
    : "each request's Host header";
  return `links, install.sh and device sign-in URLs follow ${source}; set PUBLIC_URL to the address users reach this server at`;
}
