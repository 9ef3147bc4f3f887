import type { Viewer } from "../../src/shared/page-context";
import { CsrfField } from "./csrf-field";

export type NavSection = "dashboard" | "data" | "users" | "groups" | "tokens" | "service-accounts" | "audit" | "backups" | "datasets" | "profile" | "install";

/** Only what the viewer's role may open; the current section is marked for eyes and screen readers. */
export function Nav({ principal, isAdmin, csrf, current }: { principal: Viewer | null; isAdmin: boolean; csrf: string; current?: NavSection }) {
  const link = (section: NavSection, href: string, label: string) => (
    <a href={href} aria-current={current === section ? "page" : undefined} safe>
      {label}
    </a>
  );
  if (!principal) {
    return (
      <nav class="nav">
        {link("install", "/install", "Install CLI")}
        <a href="/login">Sign in</a>
      </nav>
    );
  }
  return (
    <nav class="nav">
      {link("dashboard", "/dashboard", "Dashboard")}
      {link("data", "/data", "Data")}
      {isAdmin ? (
        <>
          {link("users", "/admin/users", "Users")}
          {link("groups", "/admin/groups", "Groups")}
          {link("tokens", "/admin/tokens", "Tokens")}
          {link("service-accounts", "/admin/service-accounts", "Service accounts")}
          {link("audit", "/admin/audit", "Audit")}
          {link("backups", "/admin/backups", "Backups")}
          {link("datasets", "/admin/datasets", "Datasets")}
        </>
      ) : (
        ""
      )}
      {link("profile", "/profile", "Profile")}
      {link("install", "/install", "Install CLI")}
      <form method="post" action="/logout" class="inline">
        <CsrfField token={csrf} />
        <button type="submit" class="link">
          Sign out
        </button>
      </form>
    </nav>
  );
}
