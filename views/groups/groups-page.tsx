import type { Group } from "../../src/shared/groups";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";

/** Where a group comes from, for people: "Agnes" or the provider's label. */
export function SourceBadge({ source, label }: { source: string; label: string }) {
  return source === "agnes" ? <span class="badge">Agnes</span> : <span class="badge" safe>{`synced from ${label}`}</span>;
}

function GroupRow({ group, label }: { group: Group; label: string }) {
  return (
    <tr data-group-id={group.id}>
      <td>
        <a href={`/admin/groups/${encodeURIComponent(group.id)}`} safe>
          {group.name}
        </a>
      </td>
      <td safe>{group.description}</td>
      <td>
        <SourceBadge source={group.source} label={label} />
      </td>
      <td safe>{String(group.member_count)}</td>
    </tr>
  );
}

/** /admin/groups: every group, and a form to create one (works without JavaScript). */
export function GroupsPage({ page, groups, labels }: { page: PageContext; groups: Group[]; labels: Record<string, string> }) {
  return (
    <Layout title="Groups" page={page} section="groups">
      <section class="card">
        <h1>Groups</h1>
        <p class="muted">A dataset is readable by admins and by the members of the groups it is granted to (grants: Datasets page).</p>
        <Table columns={["Name", "Description", "Source", "Members"]}>
          {groups.length === 0 ? (
            <EmptyRow columns={4} text="No groups yet: create one above, then add people and grant it datasets." />
          ) : (
            groups.map((g) => <GroupRow group={g} label={labels[g.source] ?? g.source} />)
          )}
        </Table>
        <h2>New group</h2>
        <form method="post" action="/admin/groups" class="stack narrow-form">
          <CsrfField token={page.csrf} />
          <label>
            Name
            <input name="name" required maxlength="200" />
          </label>
          <label>
            Description
            <input name="description" maxlength="1000" />
          </label>
          <div>
            <button type="submit" class="button primary">
              Create group
            </button>
          </div>
        </form>
        <p class="muted">From a terminal: da admin groups create NAME</p>
      </section>
    </Layout>
  );
}
