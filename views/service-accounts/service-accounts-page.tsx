import { RoleHelp, RoleOptions } from "../ui/role";
import type { ServiceAccount } from "../../src/shared/agents";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";

function AccountRow({ account, csrf }: { account: ServiceAccount; csrf: string }) {
  const base = `/admin/service-accounts/${encodeURIComponent(account.id)}`;
  return (
    <tr>
      <td>
        <a href={base} safe>
          {account.name}
        </a>
        <div class="muted" safe>
          {account.description}
        </div>
      </td>
      <td>{account.role}</td>
      <td>{account.active ? <span class="badge on">active</span> : <span class="badge off">inactive</span>}</td>
      <td safe>{String(account.token_count)}</td>
      <td>
        <Time at={account.created_at} />
      </td>
      <td class="actions">
        <form method="post" action={`${base}/${account.active ? "deactivate" : "activate"}`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" class="button small">
            {account.active ? "Deactivate" : "Activate"}
          </button>
        </form>{" "}
        <a class="button small danger" href={`${base}/delete`}>
          Delete…
        </a>
      </td>
    </tr>
  );
}

/** /admin/service-accounts: accounts for CI and agents, owned by the admins; each one's tokens are on its own page. */
export function ServiceAccountsPage({ page, accounts }: { page: PageContext; accounts: ServiceAccount[] }) {
  return (
    <Layout title="Service accounts" page={page} section="service-accounts">
      <section class="card">
        <h1>Service accounts</h1>
        <p class="muted">
          Accounts for CI jobs and agents: they never sign in, hold only tokens, and keep working when the admin who made them leaves. Deactivate one to stop
          all its tokens at once.
        </p>
        <form method="post" action="/admin/service-accounts" class="row">
          <CsrfField token={page.csrf} />
          <label>
            Name
            <input type="text" name="name" maxlength="100" required placeholder="e.g. nightly-etl" />
          </label>
          <label>
            Description
            <input type="text" name="description" maxlength="500" placeholder="what runs as it" />
          </label>
          <label>
            Role
            <select name="role">
              <RoleOptions selected="analyst" />
            </select>
          </label>
          <button type="submit" class="button primary">
            Create service account
          </button>
        </form>
        <RoleHelp />
        <Table columns={["Name", "Role", "Status", "Tokens", "Created", ""]} class="service-accounts">
          {accounts.length ? (
            accounts.map((account) => <AccountRow account={account} csrf={page.csrf} />)
          ) : (
            <EmptyRow columns={6} text="No service accounts yet: create one above for a job that should not act as a person." />
          )}
        </Table>
      </section>
    </Layout>
  );
}
