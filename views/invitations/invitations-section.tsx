import { DEFAULT_ROLE, type Invitation } from "../../src/shared/contract";
import { RoleHelp, RoleOptions } from "../ui/role";
import { LinkReveal } from "../ui/link-reveal";
import { CsrfField } from "../ui/csrf-field";
import { EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";

const COLUMNS = ["Email", "Role", "State", "Invited by", "Sent", "Expires", "Actions"];

function InviteForm({ csrf, back }: { csrf: string; back: string }) {
  return (
    <>
      <form method="post" action="/admin/users/invitations" class="row">
        <CsrfField token={csrf} />
        <input type="hidden" name="back" value={back} />
        <label>
          Email
          <input type="email" name="email" required autocomplete="off" />
        </label>
        <label>
          Role
          <select name="role">
            <RoleOptions selected={DEFAULT_ROLE} />
          </select>
        </label>
        <button type="submit" class="button primary">
          Invite
        </button>
      </form>
      <RoleHelp />
    </>
  );
}

function InvitationRow({ invitation, csrf, back }: { invitation: Invitation; csrf: string; back: string }) {
  const base = `/admin/users/invitations/${encodeURIComponent(invitation.id)}`;
  const hidden = (
    <>
      <CsrfField token={csrf} />
      <input type="hidden" name="back" value={back} />
    </>
  );
  return (
    <tr data-invitation-id={invitation.id}>
      <td safe>{invitation.email}</td>
      <td>
        <span class="badge">{invitation.role as "safe"}</span>
      </td>
      <td>{invitation.state === "pending" ? <span class="badge on">pending</span> : <span class="badge off">expired</span>}</td>
      <td safe>{invitation.invited_by ?? "—"}</td>
      <td safe>{`${invitation.sent_count}×`}</td>
      <td>
        <Time at={invitation.expires_at} />
      </td>
      <td class="actions">
        <form method="post" action={`${base}/resend`} class="inline">
          {hidden}
          <button type="submit" class="button small">
            Send again
          </button>
        </form>
        <form method="post" action={`${base}/revoke`} class="inline">
          {hidden}
          <button type="submit" class="button small danger">
            Revoke
          </button>
        </form>
      </td>
    </tr>
  );
}

/** The users page's invitations: a form to invite someone, and the open ones (pending or expired). */
export function InvitationsSection({ invitations, csrf, back }: { invitations: Invitation[]; csrf: string; back: string }) {
  return (
    <details class="card invitations" open={invitations.length > 0}>
      <summary safe>{`Invitations (${invitations.length} open)`}</summary>
      <InviteForm csrf={csrf} back={back} />
      <Table columns={COLUMNS} class="invitations">
        {invitations.length === 0 ? (
          <EmptyRow columns={COLUMNS.length} text="No open invitations." />
        ) : (
          invitations.map((invitation) => <InvitationRow invitation={invitation} csrf={csrf} back={back} />)
        )}
      </Table>
    </details>
  );
}

/** A new invitation link, shown once to the admin who made it; whom it was emailed to (null: not emailed). */
export function InvitationReveal({ link }: { link: { url: string; emailedTo: string | null } }) {
  return (
    <LinkReveal url={link.url} codeClass="invite-link">
      {link.emailedTo ? (
        <p>
          <strong>
            Invitation emailed to <span safe>{link.emailedTo}</span>.
          </strong>{" "}
          Its link is also shown here, only this once, in case the email does not arrive.
        </p>
      ) : (
        <p>
          <strong>Copy this invitation link now</strong> — it is shown only once and works once. It was not emailed: pass it on yourself.
        </p>
      )}
    </LinkReveal>
  );
}
