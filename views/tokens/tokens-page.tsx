import type { PageContext } from "../../src/shared/page-context";
import type { AdminToken } from "../../src/shared/contract";
import { Pager } from "../ui/pager";
import { Layout } from "../ui/layout";
import { TokenCells, TokenStatus } from "./token-parts";
import { tokenState } from "../../src/shared/contract";

export type AdminTokensFilter = { user: string; state: string; limit: number; offset: number };

const STATES = ["all", "active", "expired", "revoked"] as const;

function Filters({ filter }: { filter: AdminTokensFilter }) {
  return (
    <form method="get" action="/admin/tokens" class="row card">
      <label>
        Owner (email or id)
        <input type="search" name="user" value={filter.user} placeholder="someone@example.com" />
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

function Row({ token, now }: { token: AdminToken; now: Date }) {
  return (
    <tr>
      <TokenCells token={token} />
      <td>
        <a href={`/admin/tokens?user=${encodeURIComponent(token.user_email || token.user_id)}`} safe>
          {token.user_email || token.user_id}
        </a>
      </td>
      <td>
        <TokenStatus token={token} now={now} />
      </td>
      <td>
        {tokenState(token, now) === "revoked" ? (
          ""
        ) : (
          <a class="button small" href={`/admin/tokens/${encodeURIComponent(token.id)}/revoke`}>
            Revoke…
          </a>
        )}
      </td>
    </tr>
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
      {props.tokens.length === 0 ? (
        <p class="card muted">No tokens match.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>Owner</th>
              <th>Status</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((token) => (
              <Row token={token} now={props.now} />
            ))}
          </tbody>
        </table>
      )}
      <Pager path="/admin/tokens" params={pagerParams} offset={filter.offset} limit={filter.limit} total={props.total} />
      </>
    </Layout>
  );
}
