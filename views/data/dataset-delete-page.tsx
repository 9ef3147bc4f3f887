import type { DatasetInfo } from "../../src/shared/contract";
import type { PageContext } from "../../src/shared/page-context";
import { ConfirmPage } from "../ui/confirm-page";

/** The confirmation step before deleting a dataset. */
export function DatasetDeletePage({ page, dataset }: { page: PageContext; dataset: DatasetInfo }) {
  return (
    <ConfirmPage
      page={page}
      title="Delete dataset"
      question="The dataset and its files are removed; queries and da sync no longer see it. This cannot be undone."
      details={[
        ["Name", dataset.name],
        ["Rows", String(dataset.rows)],
      ]}
      action={`/admin/datasets/${encodeURIComponent(dataset.name)}/delete`}
      confirmLabel="Delete dataset"
      cancelHref="/admin/datasets"
      section="datasets"
    />
  );
}
