import type { UserAccess } from "../../src/shared/groups";
import type { PageContext } from "../../src/shared/page-context";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";

/** /admin/users/{id}/access: "view as" — the person's groups (and where each membership came from) and what they can read through which group. */
export function UserAccessPage({ page, access, labels }: { page: PageContext; access: UserAccess; labels: Record<string, string> }) {
  const from = (source: string) => (source === "agnes" ? "by hand" : `synced from ${labels[source] ?? source}`);
  return (
    <Layout title={`Access of ${access.email}`} page={page} section="users">
      <section class="card">
        <p>
          <a href="/admin/users">← Users</a>
        </p>
        <h1 safe>{`Access of ${access.email}`}</h1>
        <h2>Groups</h2>
        <Table columns={["Group", "Membership"]}>
          {access.groups.length === 0 ? (
            <EmptyRow columns={2} text="In no group (deactivated accounts are not in Everyone)." />
          ) : (
            access.groups.map((g) => (
              <tr>
                <td>
                  <a href={`/admin/groups/${encodeURIComponent(g.id)}`} safe>
                    {g.name}
                  </a>
                </td>
                <td safe>{g.id === "everyone" ? "every active user" : from(g.membership)}</td>
              </tr>
            ))
          )}
        </Table>
        <h2>Datasets they can read</h2>
        <Table columns={["Dataset", "Through"]}>
          {access.datasets.length === 0 ? (
            <EmptyRow columns={2} text="None." />
          ) : (
            access.datasets.map((d) => (
              <tr>
                <td class="mono" safe>
                  {d.name}
                </td>
                <td safe>{d.via_name}</td>
              </tr>
            ))
          )}
        </Table>
      </section>
    </Layout>
  );
}
