import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

export function SetupPage({ page, email, name, error }: { page: PageContext; email?: string; name?: string; error?: string }) {
  return (
    <Layout title="Set up Agnes" page={page}>
      <section class="card narrow">
        <h1>Set up Agnes</h1>
        <p>
          Create the first administrator. The setup code is printed in the server's log when it starts (look for <code>setup.code</code>).
        </p>
        <ErrorAlert message={error} />
        <form method="post" action="/setup" class="stack">
          <label>
            Setup code
            <input type="text" name="setup_code" autocomplete="off" required autofocus />
          </label>
          <label>
            Your email
            <input type="email" name="email" value={email ?? ""} autocomplete="username" required />
          </label>
          <label>
            Your name
            <input type="text" name="name" value={name ?? ""} autocomplete="name" />
          </label>
          <label>
            Password (at least 8 characters)
            <input type="password" name="password" autocomplete="new-password" minlength="8" required />
          </label>
          <label>
            Password again
            <input type="password" name="password_confirm" autocomplete="new-password" minlength="8" required />
          </label>
          <button type="submit" class="button primary">
            Create administrator
          </button>
        </form>
      </section>
    </Layout>
  );
}
