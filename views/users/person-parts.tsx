// Sections of a person's page (/admin/users/{id}): their sessions and tokens, read-only lists
// whose risky actions link to a confirmation page.
import type { Token } from "../../src/shared/contract";
import { Time } from "../ui/time";
import { EmptyRow, Table } from "../ui/table";

/** A live session as the person page lists it. */
export type PersonSession = {
  id: string;
  kind: string;
  name: string | null;
  created_at: Date | string;
  last_seen_at: Date | string | null;
  ip: string | null;
  user_agent: string | null;
};

const sessionLabel = (s: PersonSession): string => (s.kind === "cli" ? (s.name ?? "da") : "browser");

export function PersonSessions({ sessions }: { sessions: PersonSession[] }) {
  const columns = ["Session", "Started", "Last seen", "Address"];
  return (
    <section class="card" id="sessions">
      <h2>Sessions</h2>
      <Table columns={columns}>
        {sessions.length === 0 ? (
          <EmptyRow columns={columns.length} text="No live sessions: they are signed out everywhere." />
        ) : (
          sessions.map((s) => (
            <tr>
              <td>
                <span title={s.user_agent ?? ""} safe>
                  {sessionLabel(s)}
                </span>
              </td>
              <td>
                <Time at={s.created_at} />
              </td>
              <td>
                <Time at={s.last_seen_at} empty="not yet" />
              </td>
              <td class="mono" safe>
                {s.ip ?? ""}
              </td>
            </tr>
          ))
        )}
      </Table>
    </section>
  );
}

export function PersonTokens({ tokens }: { tokens: Token[] }) {
  const columns = ["Token", "Expires", "Last used", ""];
  const live = tokens.filter((t) => !t.revoked_at);
  return (
    <section class="card" id="tokens">
      <h2>Personal access tokens</h2>
      <Table columns={columns}>
        {live.length === 0 ? (
          <EmptyRow columns={columns.length} text="No live tokens. People create their own on their profile page." />
        ) : (
          live.map((t) => (
            <tr>
              <td>
                <span safe>{t.name}</span> <code class="muted" safe>{`${t.prefix}…`}</code>
              </td>
              <td>
                <Time at={t.expires_at} empty="never" />
              </td>
              <td>
                <Time at={t.last_used_at} empty="never" />
              </td>
              <td>
                <a class="button small" href={`/admin/tokens/${encodeURIComponent(t.id)}/revoke`}>
                  Revoke…
                </a>
              </td>
            </tr>
          ))
        )}
      </Table>
    </section>
  );
}
