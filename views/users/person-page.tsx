import type { PageContext } from "../../src/shared/page-context";
import type { SignInMethods, Token, User } from "../../src/shared/contract";
import { RoleHelp, RoleName, RoleOptions } from "../ui/role";
import type { ReadableAuditEntry } from "../../src/shared/activity";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { Time } from "../ui/time";
import { AuditEntryList } from "../audit/audit-entry";
import { ManagedRole, SignInMethodsText } from "../sso/sign-in-methods";
import { IdentityActions, type LinkProvider } from "../sso/identity-actions";
import { PersonSessions, PersonTokens, type PersonSession } from "./person-parts";
import { ResetLinkReveal, type RevealedResetLink } from "./reset-link-reveal";

export type PersonPageProps = {
  page: PageContext;
  user: User;
  self: boolean;
  signIn?: SignInMethods;
  linkProviders: LinkProvider[];
  groups: { id: string; name: string }[];
  sessions: PersonSession[];
  tokens: Token[];
  audit: ReadableAuditEntry[];
  revealedLink: RevealedResetLink | null;
};

function Summary({ user, self, signIn }: { user: User; self: boolean; signIn?: SignInMethods }) {
  return (
    <dl class="facts">
      <dt>Role</dt>
      <dd>
        <RoleName role={user.role} />
        {self ? <span class="badge you">you</span> : ""}
      </dd>
      <dt>Status</dt>
      <dd>{user.active ? <span class="badge on">active</span> : <span class="badge off">deactivated</span>}</dd>
      <dt>Added</dt>
      <dd>
        <Time at={user.created_at} />
      </dd>
      <dt>Last sign-in</dt>
      <dd>
        <Time at={user.last_login_at} empty="never" />
      </dd>
      <dt>Signs in with</dt>
      <dd>
        <SignInMethodsText methods={signIn} />
      </dd>
    </dl>
  );
}

function RoleForm({ user, signIn }: { user: User; signIn?: SignInMethods }) {
  if (signIn?.roleManagedBy) return <ManagedRole label={signIn.roleManagedBy} />;
  const base = `/admin/users/${encodeURIComponent(user.id)}`;
  return (
    <>
      <form method="get" action={`${base}/role/confirm`} class="row">
        <label>
          New role
          <select name="role">
            <RoleOptions selected={user.role} />
          </select>
        </label>
        <button type="submit" class="button">
          Change role…
        </button>
      </form>
      <RoleHelp />
    </>
  );
}

function AccessSection({ user, csrf }: { user: User; csrf: string }) {
  const base = `/admin/users/${encodeURIComponent(user.id)}`;
  const back = <input type="hidden" name="back" value={base} />;
  return (
    <section class="card" id="sign-in">
      <h2>Signing in</h2>
      <div class="actions">
        {user.active ? (
          <>
            <a class="button" href={`${base}/reset-link/confirm`}>
              Create a reset link…
            </a>{" "}
            <a class="button" href={`${base}/second-factor/reset/confirm`}>
              Reset two-factor sign-in…
            </a>
          </>
        ) : (
          <form method="post" action={`${base}/activate`} class="inline">
            <CsrfField token={csrf} />
            {back}
            <button type="submit" class="button primary">
              Activate
            </button>
          </form>
        )}
      </div>
      <details class="set-password">
        <summary>Set a password</summary>
        <form method="post" action={`${base}/password`} class="row">
          <CsrfField token={csrf} />
          {back}
          <label>
            New password
            <input type="password" name="password" minlength="8" required autocomplete="new-password" />
          </label>
          <button type="submit" class="button">
            Set password
          </button>
        </form>
        <p class="muted">They must change it at their next sign-in; their sessions end now.</p>
      </details>
    </section>
  );
}

function GroupsSection({ user, groups }: { user: User; groups: { id: string; name: string }[] }) {
  return (
    <section class="card" id="groups">
      <h2>Groups</h2>
      {groups.length === 0 ? (
        <p class="muted">In no group. Add them from a group's page under Groups.</p>
      ) : (
        <ul>
          {groups.map((g) => (
            <li>
              <a href={`/admin/groups/${encodeURIComponent(g.id)}`} safe>
                {g.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      <a href={`/admin/users/${encodeURIComponent(user.id)}/access`}>What they can read</a>
    </section>
  );
}

function DangerZone({ user, self }: { user: User; self: boolean }) {
  const base = `/admin/users/${encodeURIComponent(user.id)}`;
  return (
    <section class="card danger-zone" id="danger">
      <h2>Danger zone</h2>
      {self ? (
        <p class="muted">You cannot deactivate or delete your own account; another admin can.</p>
      ) : (
        <div class="actions">
          {user.active ? (
            <a class="button danger" href={`${base}/deactivate/confirm`}>
              Deactivate…
            </a>
          ) : (
            ""
          )}
          <a class="button danger" href={`${base}/delete`}>
            Delete…
          </a>
        </div>
      )}
    </section>
  );
}

/** /admin/users/{id}: one person, every action on them, and what they have (sessions, tokens, groups, activity). */
export function PersonPage(props: PersonPageProps) {
  const { user, page } = props;
  const label = user.name ? `${user.name} <${user.email}>` : user.email;
  return (
    <Layout title={user.email} page={page} section="users">
      <div class="person">
        <p>
          <a href="/admin/users">← Users</a>
        </p>
        <section class="card">
          <h1 class="wrap" safe>
            {label}
          </h1>
          {props.revealedLink ? <ResetLinkReveal link={props.revealedLink} /> : ""}
          <Summary user={user} self={props.self} signIn={props.signIn} />
          <RoleForm user={user} signIn={props.signIn} />
          <IdentityActions
            user={user}
            csrf={page.csrf}
            back={`/admin/users/${encodeURIComponent(user.id)}`}
            methods={props.signIn}
            providers={props.linkProviders}
          />
        </section>
        <AccessSection user={user} csrf={page.csrf} />
        <GroupsSection user={user} groups={props.groups} />
        <PersonSessions sessions={props.sessions} />
        <PersonTokens tokens={props.tokens} />
        <section class="card" id="activity">
          <h2>Recent activity</h2>
          <AuditEntryList entries={props.audit} empty="Nothing recorded by or about them yet." />
          <a href={`/admin/audit?person=${encodeURIComponent(user.id)}`}>Every entry by or about them</a>
        </section>
        <DangerZone user={user} self={props.self} />
      </div>
    </Layout>
  );
}
