import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "./csrf-field";
import { Layout } from "./layout";

/**
 * The server-side confirmation step for a destructive action: works without JavaScript. The form
 * posts `confirm=yes` to `action`; the handler acts only with that field present.
 */
export function ConfirmPage(props: {
  page: PageContext;
  title: string;
  question: string;
  details: [string, string][];
  action: string;
  confirmLabel: string;
  cancelHref: string;
}) {
  return (
    <Layout title={props.title} page={props.page}>
      <section class="card narrow">
        <h1 safe>{props.title}</h1>
        <p safe>{props.question}</p>
        <dl class="facts">
          {props.details.map(([term, value]) => (
            <>
              <dt safe>{term}</dt>
              <dd safe>{value}</dd>
            </>
          ))}
        </dl>
        <form method="post" action={props.action} class="actions">
          <CsrfField token={props.page.csrf} />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" class="button danger">
            <span safe>{props.confirmLabel}</span>
          </button>
          <a class="button" href={props.cancelHref}>
            Cancel
          </a>
        </form>
      </section>
    </Layout>
  );
}
