import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

/** After an admin set someone's password: they choose their own before anything else. */
export function PasswordChangePage({ page, email, error }: { page: PageContext; email: string; error?: string }) {
  return (
    <Layout title="Choose your password" page={page}>
      <section class="card narrow">
        <h1>Choose your own password</h1>
        <p>
          An administrator set the password of <strong safe>{email}</strong>. Choose a password only you know before you go on.
        </p>
        <ErrorAlert message={error} />
        <form method="post" action="/password/change" class="stack">
          <CsrfField token={page.csrf} />
          <input type="hidden" name="username" value={email} autocomplete="username" />
          <label>
            New password
            <input type="password" name="new_password" minlength="8" autocomplete="new-password" required autofocus />
          </label>
          <label>
            Repeat the new password
            <input type="password" name="new_password_confirm" minlength="8" autocomplete="new-password" required />
          </label>
          <button type="submit" class="button primary">
            Change password
          </button>
        </form>
        <form method="post" action="/logout" class="inline">
          <CsrfField token={page.csrf} />
          <button type="submit" class="button small">
            Sign out instead
          </button>
        </form>
      </section>
    </Layout>
  );
}
