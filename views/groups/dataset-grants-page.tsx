import type { Group } from "../../src/shared/groups";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";

/** /admin/datasets/{name}/grants: one checkbox per group; the dataset is readable by the checked groups' members (and admins). */
export function DatasetGrantsPage({ page, dataset, groups, granted }: { page: PageContext; dataset: string; groups: Group[]; granted: string[] }) {
  return (
    <Layout title={`Who may read ${dataset}`} page={page} section="datasets">
      <section class="card narrow">
        <p>
          <a href="/admin/datasets">← Datasets</a>
        </p>
        <h1 safe>{`Who may read ${dataset}`}</h1>
        <p class="muted">Admins read every dataset. Unchecking a group takes the dataset away from its members at their next request.</p>
        <form method="post" action={`/admin/datasets/${encodeURIComponent(dataset)}/grants`} class="stack">
          <CsrfField token={page.csrf} />
          {groups.map((group) => (
            <label>
              <input type="checkbox" name={`grant:${group.id}`} value="yes" checked={granted.includes(group.id)} />{" "}
              <span safe>{`${group.name} (${group.member_count} members)`}</span>
            </label>
          ))}
          <div>
            <button type="submit" class="button primary">
              Save grants
            </button>
          </div>
        </form>
        <p class="muted" safe>{`From a terminal: da admin datasets grant ${dataset} --group NAME`}</p>
      </section>
    </Layout>
  );
}
