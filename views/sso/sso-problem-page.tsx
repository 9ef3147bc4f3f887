// The page a single sign-on attempt ends on when it cannot sign the person in: what happened, in
// words, and a way back. Never a stack trace, never the provider's raw answer.
import type { PageContext } from "../../src/shared/page-context";
import { Layout } from "../ui/layout";

export function SsoProblemPage({ page, title, message, retry }: { page: PageContext; title: string; message: string; retry: string }) {
  return (
    <Layout title={title} page={page}>
      <section class="card narrow sso-problem">
        <h1 safe>{title}</h1>
        <p safe>{message}</p>
        <p>
          <a class="button primary" href={retry}>
            Back to sign-in
          </a>
        </p>
      </section>
    </Layout>
  );
}
