import type { PageContext } from "../../src/shared/page-context";
import type { User } from "../../src/shared/contract";
import { ConfirmPage } from "../ui/confirm-page";

/** The server-side confirmation step for deleting a user: works without JavaScript. */
export function UserDeletePage({ page, user, self = false }: { page: PageContext; user: User; self?: boolean }) {
  const label = user.name ? `${user.name} <${user.email}>` : user.email;
  const back = `/admin/users/${encodeURIComponent(user.id)}`;
  return (
    <ConfirmPage
      page={page}
      title="Delete user"
      heading={`Delete ${label}?`}
      question="This removes the account for good, with its sessions, personal access tokens and reset links. To only lock the user out, deactivate them instead."
      refusal={self ? "Cannot delete yourself: another admin can." : undefined}
      action={`${back}/delete`}
      confirmLabel="Delete"
      cancelHref={back}
      section="users"
    />
  );
}
