import type { ConnectedApp } from "../../src/shared/agents";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";
import { RevokeAppButton } from "./connected-apps-section";

export type AdminClient = { id: string; name: string; redirectUris: string[]; createdAt: Date; lastUsedAt: Date | null; liveGrants: number };

function RegisterForm({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/admin/oauth-clients" class="stack narrow-form">
      <CsrfField token={csrf} />
      <label>
        Name
        <input type="text" name="client_name" maxlength="100" required />
      </label>
      <label>
        Redirect URIs (one per line)
        <textarea name="redirect_uris" rows="3" required></textarea>
      </label>
      <div>
        <button type="submit" class="button primary">
          Register client
        </button>
      </div>
    </form>
  );
}

function ClientsTable({ csrf, clients }: { csrf: string; clients: AdminClient[] }) {
  return (
    <Table columns={["Client", "Redirect URIs", "Registered", "Last used", "Connected", ""]}>
      {clients.length === 0 ? <EmptyRow columns={6} text="No registered clients." /> : ""}
      {clients.map((client) => (
        <tr>
          <td>
            <strong safe>{client.name}</strong>{" "}
            <code class="muted" safe>
              {client.id}
            </code>
          </td>
          <td safe>{client.redirectUris.join(" ")}</td>
          <td>
            <Time at={client.createdAt} />
          </td>
          <td>
            <Time at={client.lastUsedAt} empty="never" />
          </td>
          <td safe>{String(client.liveGrants)}</td>
          <td>
            <form method="post" action={`/admin/oauth-clients/${client.id}/delete`} class="inline">
              <CsrfField token={csrf} />
              <button type="submit" class="button small">
                Remove
              </button>
            </form>
          </td>
        </tr>
      ))}
    </Table>
  );
}

/** /admin/oauth-clients: every registered client and every connected app, with remove and revoke. */
export function AdminClientsPage(props: { page: PageContext; clients: AdminClient[]; apps: ConnectedApp[]; registration: string; canRegister: boolean }) {
  const { page } = props;
  return (
    <Layout title="OAuth clients" page={page}>
      <>
        <section class="card">
          <h1>OAuth clients</h1>
          <p class="muted" safe>{`Registration: ${props.registration} (OAUTH_REGISTRATION). Clients unused for 30 days are removed.`}</p>
          <ClientsTable csrf={page.csrf} clients={props.clients} />
          {props.canRegister ? <RegisterForm csrf={page.csrf} /> : ""}
        </section>
        <section class="card" id="grants">
          <h2>Connected apps</h2>
          <Table columns={["Person", "App", "May", "Last used", ""]}>
            {props.apps.length === 0 ? <EmptyRow columns={5} text="No connected apps." /> : ""}
            {props.apps.map((app) => (
              <tr>
                <td safe>{app.user_email ?? app.user_id}</td>
                <td safe>{app.client_name}</td>
                <td safe>{app.scopes.join(", ")}</td>
                <td>
                  <Time at={app.last_used_at} empty="never" />
                </td>
                <td>
                  <RevokeAppButton csrf={page.csrf} action={`/admin/oauth-clients/grants/${app.id}/revoke`} app={app} />
                </td>
              </tr>
            ))}
          </Table>
        </section>
      </>
    </Layout>
  );
}
