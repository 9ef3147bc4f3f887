import type { PageContext } from "../../src/shared/page-context";
import type { SessionKind } from "../../src/shared/contract";
import { CsrfField } from "../ui/csrf-field";
import { describeClient } from "../../src/shared/user-agent";
import { Cell, Table } from "../ui/table";
import { Time } from "../ui/time";

export type ProfileSession = {
  id: string;
  created_at: Date;
  last_seen_at: Date | null;
  ip: string | null;
  user_agent: string | null;
  kind: SessionKind;
  name: string | null;
};

/**
 * What the session's client is, in words: a CLI session its name ("da on laptop"), anything else its
 * User-Agent read as "Chrome on Linux" or "da on build-box"; the raw User-Agent is in the tooltip.
 */
function Client({ session }: { session: ProfileSession }) {
  const label = session.kind === "cli" && session.name ? session.name : describeClient(session.user_agent);
  const cli = session.kind === "cli" || label.startsWith("da on ");
  return (
    <>
      <span class="badge">{cli ? "CLI" : "browser"}</span>{" "}
      <span title={session.user_agent ?? undefined} safe>
        {label}
      </span>
    </>
  );
}

function EndButton({ csrf, session }: { csrf: string; session: ProfileSession }) {
  return (
    <form method="post" action={`/profile/sessions/${encodeURIComponent(session.id)}/end`} class="inline">
      <CsrfField token={csrf} />
      <button type="submit" class="button small">
        Sign out
      </button>
    </form>
  );
}

export function SessionsSection({ page, sessions, currentId, now }: { page: PageContext; sessions: ProfileSession[]; currentId: string | null; now: Date }) {
  const others = sessions.filter((s) => s.id !== currentId).length;
  return (
    <section class="card" id="sessions">
      <h2>Your sessions</h2>
      <p class="muted">
        Browsers, and <code>da</code> on your computers (signed in through the browser or with a code). Personal access tokens are listed above.
      </p>
      <Table columns={["Signed in", "Last seen", "IP", "Browser / client", ""]} stack label="Your sessions">
        {sessions.map((session) => (
          <tr>
            <Cell label="Signed in">
              <Time at={session.created_at} now={now} />
            </Cell>
            <Cell label="Last seen">
              <Time at={session.last_seen_at} now={now} />
            </Cell>
            <Cell label="IP" class="mono">
              <span safe>{session.ip ?? "—"}</span>
            </Cell>
            <td class="agent" data-kind={session.kind} data-label="Client">
              <div class="cell">
                <Client session={session} />
              </div>
            </td>
            <Cell label="">{session.id === currentId ? <span class="badge on">this session</span> : <EndButton csrf={page.csrf} session={session} />}</Cell>
          </tr>
        ))}
      </Table>
      {others > 0 ? (
        <form method="post" action="/profile/sessions/end-others" class="actions">
          <CsrfField token={page.csrf} />
          <button type="submit" class="button danger">
            Sign out everywhere else
          </button>
        </form>
      ) : (
        ""
      )}
    </section>
  );
}
