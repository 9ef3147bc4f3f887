import { FactList } from "./facts";
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
  /** A consequence to read twice (changing your own role), shown as an alert above the button. */
  warning?: string;
  /** Why the action cannot be done (the last admin's own role): shown instead of the button. */
  refusal?: string;
  /** Fields the action needs besides `confirm` (the new role), posted as hidden inputs. */
  fields?: [string, string][];
  action: string;
  confirmLabel: string;
  cancelHref: string;
  /** A red button for what cannot be undone (the default); false for a reversible change. */
  danger?: boolean;
  section?: NavSection;
};

/**
 * The one server-side confirmation step for a risky action (a role change, deactivating, deleting,
 * a reset link that replaces another, revoking, signing out): works without JavaScript. Its GET is
 * the action's `…/confirm` page (src/http/confirm-form.ts); the form posts `confirm=yes` and the
 * given fields to `action`, whose handler acts only with that field present.
 */
export function ConfirmPage(props: ConfirmPageProps) {
  return (
    <Layout title={props.title} page={props.page} section={props.section}>
      <section class="card narrow confirm">
        <h1 class="wrap" safe>
          {props.heading ?? props.title}
        </h1>
        <p safe>{props.question}</p>
        <FactList facts={props.details ?? []} />
        {props.warning ? (
          <p class="flash flash-error" role="alert" safe>
            {props.warning}
          </p>
        ) : (
          ""
        )}
        {props.refusal ? (
          <>
            <p class="flash flash-error" role="alert" safe>
              {props.refusal}
            </p>
            <a class="button" href={props.cancelHref}>
              Back
            </a>
          </>
        ) : (
          <form method="post" action={props.action} class="actions">
            <CsrfField token={props.page.csrf} />
            <input type="hidden" name="confirm" value="yes" />
            {(props.fields ?? []).map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <button type="submit" class={props.danger === false ? "button primary" : "button danger"}>
              <span safe>{props.confirmLabel}</span>
            </button>
            <a class="button" href={props.cancelHref}>
              Cancel
            </a>
          </form>
        )}
      </section>
    </Layout>
  );
}
