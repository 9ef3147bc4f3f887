import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";

export type AuthorizeCliProps = {
  page: PageContext;
  /** The hostname `da` reported: shown so a person notices a sign-in they did not start. */
  client: string;
  /** Shown for the device flow, so the person can compare it with their terminal. */
  userCode?: string;
  action: string;
  /** Carried through the form unchanged (the authorize parameters, or the user code). */
  hidden: [string, string][];
};

/** "Sign in da on <host>?": the one confirm step of both `da` sign-in flows. Both buttons post. */
export function AuthorizeCliPage(props: AuthorizeCliProps) {
  const who = props.page.principal?.user.email ?? "";
  return (
    <Layout title="Sign in da" page={props.page}>
      <section class="card narrow" id="authorize-cli">
        <h1>
          Sign in <code>da</code> on <span safe>{props.client}</span>?
        </h1>
        <p>
          <code>da</code> on <strong safe>{props.client}</strong> will act as <strong safe>{who}</strong> until you sign it out on your profile page or with{" "}
          <code>da logout</code>.
        </p>
        {props.userCode ? (
          <p>
            Code:{" "}
            <code class="user-code" safe>
              {props.userCode}
            </code>
          </p>
        ) : (
          ""
        )}
        <p class="muted">Only continue if you just ran da login yourself. Someone who sends you a link or a code may want your account.</p>
        <form method="post" action={props.action} class="actions">
          <CsrfField token={props.page.csrf} />
          {props.hidden.map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" name="decision" value="authorize" class="button primary">
            Authorize
          </button>
          <button type="submit" name="decision" value="cancel" class="button">
            Cancel
          </button>
        </form>
      </section>
    </Layout>
  );
}
