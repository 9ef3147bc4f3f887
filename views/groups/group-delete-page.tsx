import type { Group } from "../../src/shared/groups";
import type { PageContext } from "../../src/shared/page-context";
import { ConfirmPage } from "../ui/confirm-page";

/** The confirmation step before deleting a group. */
export function GroupDeletePage({ page, group, grants }: { page: PageContext; group: Group; grants: number }) {
  return (
    <ConfirmPage
      page={page}
      title="Delete group"
      question="The group, its memberships and its grants are removed; its members lose what it let them read at their next request."
      details={[
        ["Name", group.name],
        ["Members", String(group.member_count)],
        ["Datasets granted", String(grants)],
      ]}
      action={`/admin/groups/${encodeURIComponent(group.id)}/delete`}
      confirmLabel="Delete group"
      cancelHref={`/admin/groups/${encodeURIComponent(group.id)}`}
      section="groups"
    />
  );
}
