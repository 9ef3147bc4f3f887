import type { Group, GroupMember } from "../../src/shared/groups";
import type { User } from "../../src/shared/contract";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import { SourceBadge } from "./groups-page";

export type GroupPageProps = {
  page: PageContext;
  group: Group;
  /** The label of the group's provider (or "Agnes"). */
  label: string;
  labels: Record<string, string>;
  members: GroupMember[];
  /** The search for people to add, and who it found (null: no search yet). */
  q: string;
  found: User[] | null;
};

const base = (group: Group) => `/admin/groups/${encodeURIComponent(group.id)}`;

function MemberRow({ group, member, csrf, labels }: { group: Group; member: GroupMember; csrf: string; labels: Record<string, string> }) {
  const action =
    member.source === "agnes" ? (
      <form method="post" action={`${base(group)}/members/${encodeURIComponent(member.user_id)}/remove`} class="inline">
        <CsrfField token={csrf} />
        <button type="submit" class="button danger">
          Remove
        </button>
      </form>
    ) : (
      <span class="muted" safe>{`managed by ${labels[member.source] ?? member.source}`}</span>
    );
  return (
    <tr data-user-id={member.user_id}>
      <td safe>{member.email}</td>
      <td safe>{member.name}</td>
      <td>{member.source === "agnes" ? "by hand" : <span safe>{labels[member.source] ?? member.source}</span>}</td>
      <td>{group.id === "everyone" ? "" : action}</td>
    </tr>
  );
}

function AddMember({ group, csrf, q, found }: { group: Group; csrf: string; q: string; found: User[] | null }) {
  return (
    <>
      <h2>Add a person</h2>
      <form method="get" action={base(group)} class="inline">
        <input name="q" value={q} placeholder="email or name" aria-label="Search people" />
        <button type="submit" class="button">
          Search
        </button>
      </form>
      {found === null ? (
        ""
      ) : (
        <Table columns={["Email", "Name", ""]}>
          {found.length === 0 ? (
            <EmptyRow columns={3} text="Nobody matches: type part of a name or email." />
          ) : (
            found.map((user) => (
              <tr data-user-id={user.id}>
                <td safe>{user.email}</td>
                <td safe>{user.name}</td>
                <td>
                  <form method="post" action={`${base(group)}/members`} class="inline">
                    <CsrfField token={csrf} />
                    <input type="hidden" name="user_id" value={user.id} />
                    <button type="submit" class="button primary">
                      Add
                    </button>
                  </form>
                </td>
              </tr>
            ))
          )}
        </Table>
      )}
    </>
  );
}

function Settings({ group, csrf, label }: { group: Group; csrf: string; label: string }) {
  const synced = group.source !== "agnes";
  return (
    <form method="post" action={`${base(group)}/edit`} class="stack narrow-form">
      <CsrfField token={csrf} />
      <label>
        Name
        <input name="name" value={group.name} required maxlength="200" readonly={synced} />
      </label>
      {synced ? <p class="muted" safe>{`The name is managed by ${label}.`}</p> : ""}
      <label>
        Description
        <input name="description" value={group.description} maxlength="1000" />
      </label>
      <div>
        <button type="submit" class="button">
          Save
        </button>
      </div>
    </form>
  );
}

/** /admin/groups/{id}: rename, members (remove; synced ones are managed by their provider), add with search, delete. */
export function GroupPage(props: GroupPageProps) {
  const { page, group } = props;
  const everyone = group.id === "everyone";
  return (
    <Layout title={`Group ${group.name}`} page={page} section="groups">
      <section class="card">
        <p>
          <a href="/admin/groups">← Groups</a>
        </p>
        <h1 safe>{group.name}</h1>
        <p>
          <SourceBadge source={group.source} label={props.label} /> <span safe>{`${group.member_count} members`}</span>
        </p>
        <Settings group={group} csrf={page.csrf} label={props.label} />
        <h2>Members</h2>
        {everyone ? <p class="muted">Everyone is every active user; members cannot be added or removed by hand.</p> : ""}
        <Table columns={["Email", "Name", "Added", ""]}>
          {props.members.length === 0 ? (
            <EmptyRow columns={4} text="No members yet: search for people above and add them." />
          ) : (
            props.members.map((m) => <MemberRow group={group} member={m} csrf={page.csrf} labels={props.labels} />)
          )}
        </Table>
        {everyone ? "" : <AddMember group={group} csrf={page.csrf} q={props.q} found={props.found} />}
        {everyone ? (
          ""
        ) : (
          <p>
            <a class="button danger" href={`${base(group)}/delete`}>
              Delete group
            </a>
          </p>
        )}
      </section>
    </Layout>
  );
}
