import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";

export type ConsentScope = { name: string; field: string; meaning: string };

export type ConsentProps = {
  page: PageContext;
  clientName: string;
  /** Where the person is sent afterwards: a host, or `scheme://` for a desktop app. */
  redirectHost: string;
  scopes: ConsentScope[];
  /** The authorization request, carried through the form and checked again when it is posted. */
  request: Record<string, string>;
};

/** "Allow <app> to use Agnes as you?" — server-rendered, works without JavaScript; scopes may be unticked. */
export function ConsentPage({ page, clientName, redirectHost, scopes, request }: ConsentProps) {
  return (
    <Layout title="Connect an app" page={page}>
      <section class="card narrow">
        <h1>
          Allow <span safe>{clientName}</span> to use Agnes as you?
        </h1>
        <p>
          After you decide, you are sent to <strong safe>{redirectHost}</strong>. Only allow apps you started yourself.
        </p>
        <form method="post" action="/oauth/authorize" class="stack">
          <CsrfField token={page.csrf} />
          {Object.entries(request).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <fieldset>
            <legend>It may</legend>
            {scopes.map((scope) => (
              <label>
                <input type="checkbox" name={scope.field} value="on" checked /> <code safe>{scope.name}</code> — <span safe>{scope.meaning}</span>
              </label>
            ))}
          </fieldset>
          <p class="muted">You can revoke it any time under Connected apps on your profile.</p>
          <div>
            <button type="submit" name="decision" value="allow" class="button primary">
              Allow
            </button>{" "}
            <button type="submit" name="decision" value="deny" class="button">
              Deny
            </button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
