import type { ConnectedApp } from "../../src/shared/agents";
import { CsrfField } from "../ui/csrf-field";
import { EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";

/** One connected app's revoke button; `action` is the owner's or the admin's route. */
export function RevokeAppButton({ csrf, action, app }: { csrf: string; action: string; app: ConnectedApp }) {
  return (
    <form method="post" action={action} class="inline">
      <CsrfField token={csrf} />
      <button type="submit" class="button small" aria-label={`Revoke ${app.client_name}…`}>
        Revoke…
      </button>
    </form>
  );
}

/** On /profile: "Claude Desktop — query, sync — last used …" with Revoke. */
export function ConnectedAppsSection({ csrf, apps }: { csrf: string; apps: ConnectedApp[] }) {
  return (
    <section class="card" id="connected-apps">
      <h2>Connected apps</h2>
      <p class="muted">AI assistants and other apps you allowed to use Agnes as you (through OAuth). Revoking one stops it at once.</p>
      <Table columns={["App", "May", "Connected", "Last used", ""]}>
        {apps.length === 0 ? <EmptyRow columns={5} text="No connected apps." /> : ""}
        {apps.map((app) => (
          <tr>
            <td>
              <strong safe>{app.client_name}</strong>{" "}
              <span class="muted" safe>
                {app.redirect_hosts.join(", ")}
              </span>
            </td>
            <td safe>{app.scopes.join(", ")}</td>
            <td>
              <Time at={app.created_at} />
            </td>
            <td>
              <Time at={app.last_used_at} empty="never" />{" "}
              <span class="muted" safe>
                {app.last_used_ip ?? ""}
              </span>
            </td>
            <td>
              <RevokeAppButton csrf={csrf} action={`/profile/connected-apps/${app.id}/revoke`} app={app} />
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
