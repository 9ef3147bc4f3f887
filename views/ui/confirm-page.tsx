import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "./csrf-field";
import { Layout } from "./layout";
import type { NavSection } from "./nav";

export type ConfirmPageProps = {
  page: PageContext;
  /** The window title, and the heading unless `heading` is given. */
  title: string;
  heading?: string;
  question: string;
  /** Facts about what is about to go, shown as a definition list. */
  details?: [string, string][];
  action: string;
  confirmLabel: string;
  cancelHref: string;
  section?: NavSection;
};

/**
 * The one server-side confirmation step for a destructive action (revoking a token, deleting a
 * user): works without JavaScript. The form posts `confirm=yes` to `action`; the handler acts only
 * with that field present.
 */
export function ConfirmPage(props: ConfirmPageProps) {
  const details = props.details ?? [];
  return (
    <Layout title={props.title} page={props.page} section={props.section}>
      <section class="card narrow">
        <h1 safe>{props.heading ?? props.title}</h1>
        <p safe>{props.question}</p>
        {details.length === 0 ? (
          ""
        ) : (
          <dl class="facts">
            {details.map(([term, value]) => (
              <>
                <dt safe>{term}</dt>
                <dd safe>{value}</dd>
              </>
            ))}
          </dl>
        )}
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
