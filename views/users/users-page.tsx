import { SecondFactorResetForm } from "../mfa/admin-reset-form";
import type { PageContext } from "../../src/shared/page-context";
import { DEFAULT_ROLE, ROLES, type User } from "../../src/shared/contract";
import { LinkReveal } from "../ui/link-reveal";
import { CsrfField } from "../ui/csrf-field";
import { Pager } from "../ui/pager";
import { Time } from "../ui/time";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import { ManagedRole, SignInMethodsCell } from "../sso/sign-in-methods";
import { IdentityActions, type LinkProvider } from "../sso/identity-actions";
import type { Invitation, SignInMethods } from "../../src/shared/contract";
import { InvitationReveal, InvitationsSection } from "../invitations/invitations-section";

const COLUMNS = ["Email", "Name", "Role", "Status", "Created", "Last login", "Sign-in", "Actions"];

/**
 * A link shown once after "Reset link" (or an invitation's "Invite"/"Send again") was pressed, and
 * whom it was emailed to (null: not emailed).
 */
export type RevealedResetLink = { url: string; emailedTo: string | null; kind?: "reset" | "invitation" };

export type AdminUsersFilter = { q: string; role: string; status: string };

export type AdminUsersProps = {
  page: PageContext;
  users: User[];
  total: number;
  limit: number;
  offset: number;
  filter: AdminUsersFilter;
  /** This page's own path and query, so each form returns here after its POST. */
  back: string;
  revealedLink: RevealedResetLink | null;
  /** How each listed user signs in, by user id (password, providers, last SSO sign-in). */
  signIns?: Record<string, SignInMethods>;
  /** The configured SSO providers an admin can link an identity at (none: no SSO controls). */
  linkProviders?: LinkProvider[];
  /** The names of each listed user's groups, by user id (their row links to their access). */
  groupsOf?: Record<string, string[]>;
  /** Open invitations (pending or expired). */
  invitations?: Invitation[];
};

function RoleOptions({ selected, any }: { selected: string; any?: boolean }) {
  return (
    <>
      {any ? <option value="">Any role</option> : ""}
      {ROLES.map((role) => (
        <option value={role} selected={role === selected}>
          {role}
        </option>
      ))}
    </>
  );
}

function Filters({ filter }: { filter: AdminUsersFilter }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is not yet announced by every screen reader; the role is
    <form method="get" action="/admin/users" class="row filters" role="search">
      <label>
        Search
        <input type="search" name="q" value={filter.q} placeholder="email or name" />
      </label>
      <label>
        Role
        <select name="role">
          <RoleOptions selected={filter.role} any />
        </select>
      </label>
      <label>
        Status
        <select name="status">
          <option value="">Any status</option>
          <option value="active" selected={filter.status === "active"}>
            Active
          </option>
          <option value="deactivated" selected={filter.status === "deactivated"}>
            Deactivated
          </option>
        </select>
      </label>
      <button type="submit" class="button">
        Filter
      </button>
      <a href="/admin/users">Clear</a>
    </form>
  );
}

function AddUserForm({ csrf, back }: { csrf: string; back: string }) {
  return (
    <details class="card add-user">
      <summary>Add user</summary>
      <form method="post" action="/admin/users" class="row">
        <CsrfField token={csrf} />
        <input type="hidden" name="back" value={back} />
        <label>
          Email
          <input type="email" name="email" required autocomplete="off" />
        </label>
        <label>
          Name
          <input type="text" name="name" autocomplete="off" />
        </label>
        <label>
          Role
          <select name="role">
            <RoleOptions selected={DEFAULT_ROLE} />
          </select>
        </label>
        <label>
          Password (optional)
          <input type="password" name="password" minlength="8" autocomplete="new-password" />
        </label>
        <button type="submit" class="button primary">
          Add user
        </button>
      </form>
      <p class="muted">
        A password set here must be changed by its owner at their first sign-in. Without one, invite them instead, or add them and press “Reset link”.
      </p>
    </details>
  );
}

function Reveal({ link }: { link: RevealedResetLink }) {
  if (link.kind === "invitation") return <InvitationReveal link={link} />;
  return (
    <LinkReveal url={link.url} codeClass="reset-link">
      {link.emailedTo ? (
        <p>
          <strong>
            Reset link emailed to <span safe>{link.emailedTo}</span>.
          </strong>{" "}
          It works once, for 24 hours. It is also shown here, only this once, in case the email does not arrive.
        </p>
      ) : (
        <p>
          <strong>Copy this reset link now</strong> — it is shown only once and works once, for 24 hours. It was not emailed: pass it to the user yourself.
        </p>
      )}
    </LinkReveal>
  );
}

type ActionProps = { user: User; csrf: string; back: string; self: boolean; signIn?: SignInMethods; linkProviders: LinkProvider[]; groups?: string[] };

function UserActions({ user, csrf, back, self, signIn, linkProviders }: ActionProps) {
  const managedBy = signIn?.roleManagedBy ?? null;
  const base = `/admin/users/${encodeURIComponent(user.id)}`;
  const hidden = (
    <>
      <CsrfField token={csrf} />
      <input type="hidden" name="back" value={back} />
    </>
  );
  return (
    <div class="actions">
      {managedBy ? (
        <ManagedRole label={managedBy} />
      ) : (
        <form method="post" action={`${base}/role`} class="inline">
          {hidden}
          <select name="role" aria-label={`Role of ${user.email}`}>
            <RoleOptions selected={user.role} />
          </select>{" "}
          <button type="submit" class="button small">
            Change role
          </button>
        </form>
      )}
      {self ? (
        ""
      ) : (
        <form method="post" action={`${base}/${user.active ? "deactivate" : "activate"}`} class="inline">
          {hidden}
          <button type="submit" class="button small">
            {user.active ? "Deactivate" : "Activate"}
          </button>
        </form>
      )}
      {user.active ? (
        <form method="post" action={`${base}/reset-link`} class="inline">
          {hidden}
          <button type="submit" class="button small">
            Reset link
          </button>
        </form>
      ) : (
        ""
      )}
      <SecondFactorResetForm base={base} csrf={csrf} back={back} email={user.email} />
      <details class="set-password">
        <summary>Set password</summary>
        <form method="post" action={`${base}/password`} class="row">
          {hidden}
          <input type="password" name="password" minlength="8" required autocomplete="new-password" aria-label={`New password for ${user.email}`} />
          <button type="submit" class="button small">
            Set
          </button>
        </form>
      </details>
      {self ? (
        ""
      ) : (
        <a class="button small danger" href={`${base}/delete`}>
          Delete
        </a>
      )}
      <IdentityActions user={user} csrf={csrf} back={back} methods={signIn} providers={linkProviders} />
    </div>
  );
}

/** The person's groups and a link to what they can read ("view as"). */
function GroupsLine({ user, groups }: { user: User; groups: string[] }) {
  return (
    <div class="muted">
      Groups: <span safe>{groups.join(", ") || "none"}</span> <a href={`/admin/users/${encodeURIComponent(user.id)}/access`}>Access</a>
    </div>
  );
}

function UserRow(props: ActionProps) {
  const { user, self, signIn } = props;
  return (
    <tr data-user-id={user.id}>
      <td>
        <span safe>{user.email}</span>
        {self ? <span class="badge you">you</span> : ""}
      </td>
      <td>
        <span safe>{user.name}</span>
        {props.groups ? <GroupsLine user={user} groups={props.groups} /> : ""}
      </td>
      <td>
        <span class="badge">{user.role}</span>
      </td>
      <td>{user.active ? <span class="badge on">active</span> : <span class="badge off">deactivated</span>}</td>
      <td>
        <Time at={user.created_at} />
      </td>
      <td>
        <Time at={user.last_login_at} empty="never" />
      </td>
      <SignInMethodsCell methods={signIn} />
      <td>
        <UserActions {...props} />
      </td>
    </tr>
  );
}

export function AdminUsersPage(props: AdminUsersProps) {
  const { page, users, filter } = props;
  const selfId = page.principal?.user.id;
  const pagerParams: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) if (value) pagerParams[key] = value;
  return (
    <Layout title="Users" page={page} section="users">
      <section>
        <h1>Users</h1>
        {props.revealedLink ? <Reveal link={props.revealedLink} /> : ""}
        <AddUserForm csrf={page.csrf} back={props.back} />
        <InvitationsSection invitations={props.invitations ?? []} csrf={page.csrf} back={props.back} />
        <Filters filter={filter} />
        <Table columns={COLUMNS} class="users">
          {users.length === 0 ? (
            <EmptyRow columns={COLUMNS.length} text="No users match these filters." />
          ) : (
            users.map((user) => (
              <UserRow
                user={user}
                csrf={page.csrf}
                back={props.back}
                self={user.id === selfId}
                signIn={props.signIns?.[user.id]}
                linkProviders={props.linkProviders ?? []}
                groups={props.groupsOf?.[user.id]}
              />
            ))
          )}
        </Table>
        <Pager path="/admin/users" params={pagerParams} offset={props.offset} limit={props.limit} total={props.total} />
      </section>
    </Layout>
  );
}
