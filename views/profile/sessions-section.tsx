import type { PageContext } from "../../src/shared/page-context";
import type { SessionKind } from "../../src/shared/contract";
import { CsrfField } from "../ui/csrf-field";
import { Table } from "../ui/table";
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

/** A CLI session shows its name ("da on laptop"); a browser session its user agent. */
function Client({ session }: { session: ProfileSession }) {
  if (session.kind === "cli") {
    return (
      <>
        <span class="badge">CLI</span> <span safe>{session.name ?? "da"}</span>
      </>
    );
  }
  return (
    <>
      <span class="badge">browser</span> <span safe>{session.user_agent ?? "—"}</span>
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

export function SessionsSection({ page, sessions, currentId }: { page: PageContext; sessions: ProfileSession[]; currentId: string | null }) {
  const others = sessions.filter((s) => s.id !== currentId).length;
  return (
    <section class="card" id="sessions">
      <h2>Your sessions</h2>
      <p class="muted">
        Browsers, and <code>da</code> on your computers (signed in through the browser or with a code). Personal access tokens are listed above.
      </p>
      <Table columns={["Signed in", "Last seen", "IP", "Browser / client", ""]}>
        {sessions.map((session) => (
          <tr>
            <td>
              <Time at={session.created_at} />
            </td>
            <td>
              <Time at={session.last_seen_at} />
            </td>
            <td class="mono" safe>
              {session.ip ?? "—"}
            </td>
            <td class="agent" data-kind={session.kind}>
              <Client session={session} />
            </td>
            <td>{session.id === currentId ? <span class="badge on">this session</span> : <EndButton csrf={page.csrf} session={session} />}</td>
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
