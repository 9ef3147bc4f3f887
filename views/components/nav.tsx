import type { Principal } from "../../src/auth/principal";
import { roleAtLeast } from "../../src/auth/roles";
import { CsrfField } from "./csrf-field";

/** Only what the viewer's role may open. */
export function Nav({ principal, csrf }: { principal: Principal | null; csrf: string }) {
  if (!principal) {
    return (
      <nav class="nav">
        <a href="/install">Install CLI</a>
        <a href="/login">Sign in</a>
      </nav>
    );
  }
  const admin = roleAtLeast(principal.user.role, "admin");
  return (
    <nav class="nav">
      <a href="/dashboard">Dashboard</a>
      {admin ? (
        <>
          <a href="/admin/users">Users</a>
          <a href="/admin/tokens">Tokens</a>
          <a href="/admin/audit">Audit</a>
        </>
      ) : (
        ""
      )}
      <a href="/profile">Profile</a>
      <a href="/install">Install CLI</a>
      <form method="post" action="/logout" class="inline">
        <CsrfField token={csrf} />
        <button type="submit" class="link">
          Sign out
        </button>
      </form>
    </nav>
  );
}
