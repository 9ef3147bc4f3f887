import type { PageContext } from "../../src/shared/page-context";
import type { User } from "../../src/shared/contract";
import { RoleName, RoleOptions } from "../ui/role";
import { Pager } from "../ui/pager";
import { Time } from "../ui/time";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import type { Invitation } from "../../src/shared/contract";
import { InvitationsSection } from "../invitations/invitations-section";
import { ResetLinkReveal, type RevealedResetLink } from "./reset-link-reveal";
import { AddUserForm, type AddUserState } from "./add-user-form";

export type { RevealedResetLink } from "./reset-link-reveal";

const COLUMNS = ["Person", "Role", "Status", "Last sign-in", ""];

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
  /** Everyone, and how many of them are deactivated, whatever the filters: the count header. */
  counts: { users: number; deactivated: number };
  /** Open invitations (pending or expired). */
  invitations?: Invitation[];
  /** A refused "Add user": the form comes back open, filled, with its errors. */
  addUser?: AddUserState;
};

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

function UserRow({ user, self }: { user: User; self: boolean }) {
  const href = `/admin/users/${encodeURIComponent(user.id)}`;
  return (
    <tr data-user-id={user.id} class={user.active ? undefined : "inactive"}>
      <td class="wrap">
        <a href={href} safe>
          {user.name || user.email}
        </a>
        {self ? <span class="badge you">you</span> : ""}
        {user.name ? (
          <div class="muted" safe>
            {user.email}
          </div>
        ) : (
          ""
        )}
      </td>
      <td>
        <RoleName role={user.role} />
      </td>
      <td>{user.active ? <span class="badge on">active</span> : <span class="badge off">deactivated</span>}</td>
      <td>
        <Time at={user.last_login_at} empty="never" />
      </td>
      <td>
        <a class="button small" href={href} aria-label={`Manage ${user.email}`}>
          Manage
        </a>
      </td>
    </tr>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function AdminUsersPage(props: AdminUsersProps) {
  const { page, users, filter } = props;
  const selfId = page.principal?.user.id;
  const pagerParams: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) if (value) pagerParams[key] = value;
  return (
    <Layout title="Users" page={page} section="users">
      <section>
        <h1>Users</h1>
        <p class="muted count">{`${plural(props.counts.users, "user")} · ${props.counts.deactivated} deactivated` as "safe"}</p>
        {props.revealedLink ? <ResetLinkReveal link={props.revealedLink} /> : ""}
        <AddUserForm csrf={page.csrf} back={props.back} state={props.addUser} />
        <InvitationsSection invitations={props.invitations ?? []} csrf={page.csrf} back={props.back} />
        <Filters filter={filter} />
        <Table columns={COLUMNS} class="users">
          {users.length === 0 ? (
            <EmptyRow columns={COLUMNS.length} text="No users match these filters. Try another search, or add the person above." clearHref="/admin/users" />
          ) : (
            users.map((user) => <UserRow user={user} self={user.id === selfId} />)
          )}
        </Table>
        {props.total > 0 ? <Pager path="/admin/users" params={pagerParams} offset={props.offset} limit={props.limit} total={props.total} /> : ""}
      </section>
    </Layout>
  );
}
