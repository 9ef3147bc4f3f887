// The page a single sign-on attempt ends on when it cannot sign the person in: what happened, in
// words, and a way back. Never a stack trace, never the provider's raw answer.
import type { PageContext } from "../../src/shared/page-context";
import { Layout } from "../ui/layout";

/** The provider identity an admin can link by hand (Users → Link identity), when there is one. */
export type LinkableIdentity = { provider: string; label: string; subject: string };

export function SsoProblemPage({
  page,
  title,
  message,
  retry,
  identity,
}: {
  page: PageContext;
  title: string;
  message: string;
  retry: string;
  identity?: LinkableIdentity;
}) {
  return (
    <Layout title={title} page={page}>
      <section class="card narrow sso-problem">
        <h1 safe>{title}</h1>
        <p safe>{message}</p>
        {identity ? (
          <dl class="facts linkable-identity">
            <dt>Provider</dt>
            <dd safe>{`${identity.label} (${identity.provider})`}</dd>
            <dt>Identifier (subject)</dt>
            <dd>
              <code safe>{identity.subject}</code>
            </dd>
          </dl>
        ) : (
          ""
        )}
        <p>
          <a class="button primary" href={retry}>
            Back to sign-in
          </a>
        </p>
      </section>
    </Layout>
  );
}
