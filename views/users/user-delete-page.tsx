import type { PageContext } from "../../src/shared/page-context";
import type { User } from "../../src/shared/contract";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";

/** The server-side confirmation step for deleting a user: works without JavaScript. */
export function AdminUserDeletePage({ page, user }: { page: PageContext; user: User }) {
  const label = user.name ? `${user.name} <${user.email}>` : user.email;
  return (
    <Layout title="Delete user" page={page} section="users">
      <section class="card narrow">
        <h1 safe>{`Delete ${label}?`}</h1>
        <p>
          This removes the account for good, with its sessions, personal access tokens and reset links. To only lock the
          user out, deactivate them instead.
        </p>
        <form method="post" action={`/admin/users/${encodeURIComponent(user.id)}/delete`} class="row">
          <CsrfField token={page.csrf} />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" class="button danger">
            Delete
          </button>
          <a class="button" href="/admin/users">
            Cancel
          </a>
        </form>
      </section>
    </Layout>
  );
}
