import type { PageContext } from "../../src/shared/page-context";
import type { User } from "../../src/shared/contract";
import { ConfirmPage } from "../ui/confirm-page";

/** The server-side confirmation step for deleting a user: works without JavaScript. */
export function UserDeletePage({ page, user }: { page: PageContext; user: User }) {
  const label = user.name ? `${user.name} <${user.email}>` : user.email;
  return (
    <ConfirmPage
      page={page}
      title="Delete user"
      heading={`Delete ${label}?`}
      question="This removes the account for good, with its sessions, personal access tokens and reset links. To only lock the user out, deactivate them instead."
      action={`/admin/users/${encodeURIComponent(user.id)}/delete`}
      confirmLabel="Delete"
      cancelHref="/admin/users"
      section="users"
    />
  );
}
