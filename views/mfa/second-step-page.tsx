import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

/** After a correct password: the code from the app, a recovery code, or a passkey. */
export function SecondStepPage({ page, error, passkeys }: { page: PageContext; error?: string; passkeys: boolean }) {
  return (
    <Layout title="Two-factor sign-in" page={page}>
      <section class="card narrow">
        <h1>Two-factor sign-in</h1>
        <ErrorAlert message={error} />
        <form method="post" action="/login/second-step" class="stack">
          <label>
            Code from your authenticator app, or a recovery code
            <input name="code" autocomplete="one-time-code" required autofocus />
          </label>
          <button type="submit" class="button primary">
            Verify
          </button>
        </form>
        {passkeys ? (
          <div class="stack" id="passkey-second-step">
            <button type="button" class="button" id="passkey-button" data-mode="second-step" hidden>
              Use a passkey instead
            </button>
            <p class="muted" id="passkey-sign-in-status" role="status"></p>
            <noscript>
              <p class="muted">Using a passkey needs JavaScript; the code works without it.</p>
            </noscript>
            <script src="/static/webauthn.js" defer></script>
            <script src="/static/passkeys.js" defer></script>
          </div>
        ) : (
          ""
        )}
        <p>
          <a href="/login">Start again</a>
        </p>
      </section>
    </Layout>
  );
}
