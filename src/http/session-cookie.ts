import type { Cookie } from "elysia";
import type { Config } from "../config";
import { requestOrigin } from "./forwarded";

type CookieJar = Record<string, Cookie<unknown>>;

/** `Secure` when users reach us over https (PUBLIC_URL, else requestOrigin: the proxy's last X-Forwarded-Proto with TRUST_PROXY=1). */
export function isHttps(request: Request, config: Pick<Config, "publicUrl" | "trustProxy">): boolean {
  if (config.publicUrl) return config.publicUrl.startsWith("https://");
  return requestOrigin(request, config).proto === "https";
}

export function setSessionCookie(cookie: CookieJar, request: Request, config: Config, token: string, expiresAt: Date): void {
  cookie.access_token!.set({
    value: token,
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isHttps(request, config),
    expires: expiresAt,
  });
}

export function clearSessionCookie(cookie: CookieJar): void {
  cookie.access_token!.set({ value: "", httpOnly: true, sameSite: "lax", path: "/", maxAge: 0 });
}
