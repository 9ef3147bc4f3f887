import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

/** /forgot: an email address to send a reset link to; after a request, the one answer everybody gets. */
export function ForgotPage({ page, asked, email, error }: { page: PageContext; asked: boolean; email?: string; error?: string }) {
  return (
    <Layout title="Forgot your password?" page={page}>
      <section class="card narrow">
        <h1>Forgot your password?</h1>
        {asked ? (
          <p role="status" class="forgot-answer">
            If an active account uses that address, a link to choose a new password is on its way to it. The link works once, for one hour. No email? Check the
            address and your spam folder, or ask an administrator.
          </p>
        ) : (
          <>
            <ErrorAlert message={error} />
            <p>Enter the email address of your account and we will send it a link to choose a new password.</p>
            <form method="post" action="/forgot" class="stack">
              <label>
                Email
                <input type="email" name="email" value={email ?? ""} autocomplete="username" required autofocus />
              </label>
              <button type="submit" class="button primary">
                Send me a link
              </button>
            </form>
          </>
        )}
        <p>
          <a href="/login">Back to sign in</a>
        </p>
      </section>
    </Layout>
  );
}
