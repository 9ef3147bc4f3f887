import type { PageContext } from "../../src/shared/page-context";
import { TOKEN_STATES, type AdminToken } from "../../src/shared/contract";
import { Pager } from "../ui/pager";
import { Layout } from "../ui/layout";
import { TokenTable } from "./token-table";

export type AdminTokensFilter = { user: string; state: string; limit: number; offset: number };

const STATES = ["all", ...TOKEN_STATES] as const;

function Filters({ filter }: { filter: AdminTokensFilter }) {
  return (
    <form method="get" action="/admin/tokens" class="row card">
      <label>
        Owner (part of the email, or an id)
        <input type="search" name="user" value={filter.user} placeholder="e.g. ana or @example.com" />
      </label>
      <label>
        State
        <select name="state">
          {STATES.map((state) => (
            <option value={state} selected={state === filter.state}>
              {state as "safe"}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="button">
        Filter
      </button>
      {filter.user || filter.state !== "all" ? (
        <a class="button" href="/admin/tokens">
          Clear
        </a>
      ) : (
        ""
      )}
    </form>
  );
}

export function AdminTokensPage(props: { page: PageContext; tokens: AdminToken[]; total: number; filter: AdminTokensFilter; now: Date }) {
  const { filter } = props;
  const pagerParams: Record<string, string> = { state: filter.state, ...(filter.user ? { user: filter.user } : {}) };
  return (
    <Layout title="Tokens" page={props.page} section="tokens">
      <>
        <h1>Personal access tokens</h1>
        <p class="muted">Every user's tokens, newest first. Revoking one stops it working at once.</p>
        <Filters filter={filter} />
        <TokenTable
          tokens={props.tokens}
          now={props.now}
          basePath="/admin/tokens"
          ownerOf={(token) => token.user_email || token.user_id}
          empty="No tokens match these filters: clear them, or type part of the owner's email."
          emptyClass="card muted"
        />
        <Pager path="/admin/tokens" params={pagerParams} offset={filter.offset} limit={filter.limit} total={props.total} />
      </>
    </Layout>
  );
}
