import type { PageContext } from "../../src/shared/page-context";
import { ConfirmPage } from "../ui/confirm-page";

/** The confirmation step before deleting a backup file. */
export function BackupDeletePage({ page, name }: { page: PageContext; name: string }) {
  return (
    <ConfirmPage
      page={page}
      title="Delete backup"
      question="The backup file is removed from the server. This cannot be undone."
      details={[["File", name]]}
      action={`/admin/backups/${encodeURIComponent(name)}/delete`}
      confirmLabel="Delete backup"
      cancelHref="/admin/backups"
      section="backups"
    />
  );
}
