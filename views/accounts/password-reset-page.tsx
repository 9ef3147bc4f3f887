import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

/** The form behind a reset link: a new password, typed twice. */
export function PasswordResetPage({ page, token, email, error }: { page: PageContext; token: string; email: string; error?: string }) {
  return (
    <Layout title="Set a new password" page={page}>
      <section class="card narrow">
        <h1>Set a new password</h1>
        <p class="muted">
          For <strong safe>{email}</strong>
        </p>
        <ErrorAlert message={error} />
        <form method="post" action="/auth/password/reset" class="stack">
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="username" value={email} autocomplete="username" />
          <label>
            New password
            <input type="password" name="password" minlength="8" autocomplete="new-password" required autofocus />
          </label>
          <label>
            Repeat the new password
            <input type="password" name="password_confirm" minlength="8" autocomplete="new-password" required />
          </label>
          <button type="submit" class="button primary">
            Set password
          </button>
        </form>
      </section>
    </Layout>
  );
}

/** A link that cannot be used (unknown, used, expired, or the account is deactivated). */
export function PasswordResetProblemPage({ page, message }: { page: PageContext; message: string }) {
  return (
    <Layout title="Reset link not valid" page={page}>
      <section class="card narrow">
        <h1>This reset link cannot be used</h1>
        <p safe>{message}</p>
        <p>
          <a href="/login">Go to sign in</a>
        </p>
      </section>
    </Layout>
  );
}
