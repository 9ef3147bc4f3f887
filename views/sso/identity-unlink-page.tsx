import type { PageContext } from "../../src/shared/page-context";
import type { User } from "../../src/shared/contract";
import { ConfirmPage } from "../ui/confirm-page";

/** The confirmation step for unlinking a person's identity at a provider: works without JavaScript. */
export function IdentityUnlinkPage({
  page,
  user,
  provider,
  label,
  subject,
}: {
  page: PageContext;
  user: User;
  provider: string;
  label: string;
  subject: string;
}) {
  return (
    <ConfirmPage
      page={page}
      title="Unlink identity"
      heading={`Unlink the ${label} identity of ${user.email}?`}
      question={`Their next sign-in through ${label} will not find this account by that identity. Their sessions and tokens stay; to lock them out, deactivate them instead.`}
      details={[
        ["Provider", label],
        ["Subject", subject],
      ]}
      action={`/admin/users/${encodeURIComponent(user.id)}/identities/${encodeURIComponent(provider)}/unlink`}
      confirmLabel="Unlink"
      cancelHref="/admin/users"
      section="users"
    />
  );
}
