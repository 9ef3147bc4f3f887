import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

export function LoginPage({ page, next, email, error }: { page: PageContext; next: string; email?: string; error?: string }) {
  return (
    <Layout title="Sign in" page={page}>
      <section class="card narrow">
        <h1>Sign in</h1>
        <ErrorAlert message={error} />
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
        <p class="muted">Forgot your password? Ask an administrator for a reset link.</p>
      </section>
    </Layout>
  );
}
