import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

export type InvitePageProps = { page: PageContext; token: string; email: string; role: string; passwordLogin: boolean; name?: string; error?: string };

/** Behind an invitation link: the person chooses a name and a password, and their account is ready. */
export function InvitePage({ page, token, email, role, passwordLogin, name, error }: InvitePageProps) {
  return (
    <Layout title="Accept your invitation" page={page}>
      <section class="card narrow">
        <h1>Welcome to Agnes</h1>
        <p>
          You are invited as <strong safe>{email}</strong>, with the <strong safe>{role}</strong> role.
        </p>
        <ErrorAlert message={error} />
        {passwordLogin ? (
          <form method="post" action={`/invite/${encodeURIComponent(token)}`} class="stack">
            <input type="hidden" name="username" value={email} autocomplete="username" />
            <label>
              Your name
              <input type="text" name="name" value={name ?? ""} maxlength="200" autocomplete="name" autofocus />
            </label>
            <label>
              Password
              <input type="password" name="password" minlength="8" autocomplete="new-password" required />
            </label>
            <label>
              Repeat the password
              <input type="password" name="password_confirm" minlength="8" autocomplete="new-password" required />
            </label>
            <button type="submit" class="button primary">
              Create my account
            </button>
          </form>
        ) : (
          <p>This server signs people in with single sign-on only: ask the administrator who invited you how to sign in.</p>
        )}
      </section>
    </Layout>
  );
}

/** A link that cannot be used (unknown, accepted, revoked, expired, or the address has an account). */
export function InviteProblemPage({ page, message }: { page: PageContext; message: string }) {
  return (
    <Layout title="Invitation not valid" page={page}>
      <section class="card narrow">
        <h1>This invitation cannot be used</h1>
        <p safe>{message}</p>
        <p>
          <a href="/login">Go to sign in</a>
        </p>
      </section>
    </Layout>
  );
}
