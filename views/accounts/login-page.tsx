import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";
import { PasskeySignIn } from "../mfa/passkey-sign-in";
import { ProviderButtons, type ProviderButton } from "../sso/provider-buttons";

/** PASSWORD_LOGIN and the configured providers; without it the page is the password form alone. */
/** `forgot`: /forgot is open (passwords on and SMTP set). */
export type LoginOptions = { passwordLogin: boolean; providers: ProviderButton[]; forgot?: boolean };

export function LoginPage({ page, next, email, error, sso }: { page: PageContext; next: string; email?: string; error?: string; sso?: LoginOptions }) {
  const passwordLogin = sso?.passwordLogin ?? true;
  return (
    <Layout title="Sign in" page={page}>
      <section class="card narrow">
        <h1>Sign in</h1>
        <ErrorAlert message={error} />
        <ProviderButtons providers={sso?.providers ?? []} next={next} />
        {passwordLogin ? (
          <form method="post" action={`/login?next=${encodeURIComponent(next)}`} class="stack">
            <input type="hidden" name="next" value={next} />
            <label>
              Email
              <input type="email" name="email" value={email ?? ""} autocomplete="username" required autofocus />
            </label>
            <label>
              Password
              <input type="password" name="password" autocomplete="current-password" required />
            </label>
            <button type="submit" class="button primary">
              Sign in
            </button>
          </form>
        ) : (
          ""
        )}
        {passwordLogin && sso?.forgot ? (
          <p class="muted">
            <a href="/forgot">Forgot your password?</a>
          </p>
        ) : passwordLogin ? (
          <p class="muted">Forgot your password? Ask an administrator for a reset link.</p>
        ) : (
          ""
        )}
        {passwordLogin ? <PasskeySignIn /> : ""}
      </section>
    </Layout>
  );
}
