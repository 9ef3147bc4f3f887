import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";

/**
 * /device: type the code `da login --device` shows; the next step is the confirm page. After a
 * decision the page opens with its message (the flash) and no empty form: the code was used.
 */
export function DevicePage({ page, userCode, error }: { page: PageContext; userCode?: string; error?: string }) {
  if (page.flash && !error) {
    return (
      <Layout title="Sign in da with a code" page={page}>
        <section class="card narrow" id="device">
          <h1>
            Sign in <code>da</code> with a code
          </h1>
          <p>
            <a href="/device">Enter another code</a> · <a href="/profile#sessions">Your sessions</a>
          </p>
        </section>
      </Layout>
    );
  }
  return (
    <Layout title="Sign in da with a code" page={page}>
      <section class="card narrow" id="device">
        <h1>
          Sign in <code>da</code> with a code
        </h1>
        <ErrorAlert message={error} />
        <form method="post" action="/device" class="stack">
          <CsrfField token={page.csrf} />
          <label>
            The code your terminal shows
            <input
              type="text"
              name="user_code"
              value={userCode ?? ""}
              placeholder="ABCD-EFGH"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck="false"
              maxlength="20"
              required
              autofocus
            />
          </label>
          <button type="submit" class="button primary">
            Continue
          </button>
        </form>
      </section>
    </Layout>
  );
}
