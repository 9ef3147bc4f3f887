import type { PageContext, Viewer } from "../../src/shared/page-context";
import type { Token } from "../../src/shared/contract";
import type { ConnectedApp } from "../../src/shared/agents";
import type { GroupRef } from "../../src/shared/groups";
import { ConnectedAppsSection } from "../oauth/connected-apps-section";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { RoleName } from "../ui/role";
import { TwoFactorLinkSection } from "../mfa/profile-link";
import { SessionsSection, type ProfileSession } from "./sessions-section";
import { TokenReveal, TokensSection, type BlockedUse, type LifetimeChoice } from "./tokens-section";

export type ProfileProps = {
  page: PageContext;
  me: Viewer;
  revealed: string | null;
  tokens: Token[];
  /** Revoked or expired tokens older than the ones listed. */
  olderInactiveTokens: number;
  blocked: BlockedUse[];
  lifetimes: LifetimeChoice[];
  sessions: ProfileSession[];
  /** Apps connected through OAuth (MCP clients). */
  connectedApps: ConnectedApp[];
  now: Date;
  /** The groups the person is in (Everyone included) and where each membership came from. */
  groups?: GroupRef[];
};

function PasswordSection({ csrf }: { csrf: string }) {
  return (
    <section class="card" id="password">
      <h2>Change password</h2>
      <form method="post" action="/profile/password" class="stack narrow-form">
        <CsrfField token={csrf} />
        <label>
          Current password
          <input type="password" name="current_password" autocomplete="current-password" required />
        </label>
        <label>
          New password
          <input type="password" name="new_password" autocomplete="new-password" minlength="8" required />
        </label>
        <label>
          New password again
          <input type="password" name="new_password_confirm" autocomplete="new-password" minlength="8" required />
        </label>
        <p class="muted">At least 8 characters. Your other sessions are signed out; this one stays.</p>
        <div>
          <button type="submit" class="button primary">
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

export function ProfilePage(props: ProfileProps) {
  const user = props.me.user;
  return (
    <Layout title="Profile" page={props.page} section="profile">
      <>
        {props.revealed ? <TokenReveal token={props.revealed} /> : ""}
        <section class="card" id="me">
          <h1 safe>{user.name || user.email}</h1>
          <dl class="facts">
            <dt>Email</dt>
            <dd safe>{user.email}</dd>
            <dt>Name</dt>
            <dd safe>{user.name || "—"}</dd>
            <dt>Role</dt>
            <dd>
              <RoleName role={user.role} />
            </dd>
            <dt>Groups</dt>
            <dd safe>{(props.groups ?? []).map((g) => (g.membership === "agnes" ? g.name : `${g.name} (from ${g.membership})`)).join(", ") || "—"}</dd>
          </dl>
        </section>
        <TokensSection
          page={props.page}
          tokens={props.tokens}
          olderInactive={props.olderInactiveTokens}
          lifetimes={props.lifetimes}
          now={props.now}
          blocked={props.blocked}
        />
        <SessionsSection page={props.page} sessions={props.sessions} currentId={props.me.sessionId} now={props.now} />
        <ConnectedAppsSection csrf={props.page.csrf} apps={props.connectedApps} />
        <PasswordSection csrf={props.page.csrf} />
        <TwoFactorLinkSection />
      </>
    </Layout>
  );
}
