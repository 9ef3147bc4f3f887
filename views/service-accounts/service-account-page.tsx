import type { Token } from "../../src/shared/contract";
import type { ServiceAccount } from "../../src/shared/agents";
import type { PageContext } from "../../src/shared/page-context";
import { Layout } from "../ui/layout";
import { Time } from "../ui/time";
import { CreateTokenForm, TokenReveal, type LifetimeChoice } from "../profile/tokens-section";
import { TokenTable } from "../tokens/token-table";

type Props = { page: PageContext; account: ServiceAccount; tokens: Token[]; revealed: string | null; lifetimes: LifetimeChoice[]; now: Date };

/** One service account: what it is, its tokens (create, shown once; revoke). */
export function ServiceAccountPage({ page, account, tokens, revealed, lifetimes, now }: Props) {
  const base = `/admin/service-accounts/${encodeURIComponent(account.id)}`;
  return (
    <Layout title={`Service account ${account.name}`} page={page} section="service-accounts">
      <>
        {revealed ? <TokenReveal token={revealed} /> : ""}
        <section class="card">
          <h1 safe>{account.name}</h1>
          <dl class="facts">
            <dt>Description</dt>
            <dd safe>{account.description || "—"}</dd>
            <dt>Role</dt>
            <dd>{account.role}</dd>
            <dt>Status</dt>
            <dd>{account.active ? "active" : "inactive: its tokens are refused"}</dd>
            <dt>Groups</dt>
            <dd>
              {account.groups.length
                ? account.groups.map((group) => (
                    <span class="badge" safe>
                      {group}
                    </span>
                  ))
                : "none"}
            </dd>
            <dt>Created</dt>
            <dd>
              <Time at={account.created_at} />
            </dd>
          </dl>
          <p>
            <a href="/admin/service-accounts">All service accounts</a>
          </p>
        </section>
        <section class="card" id="tokens">
          <h2>Tokens</h2>
          <CreateTokenForm csrf={page.csrf} lifetimes={lifetimes} action={`${base}/tokens`} />
          <TokenTable tokens={tokens} now={now} basePath={`${base}/tokens`} empty="No tokens yet." class="tokens" />
        </section>
      </>
    </Layout>
  );
}
