// The one token table: the profile lists the viewer's own tokens, /admin/tokens everyone's with an
// Owner column. "Revoke…" leads to the server-side confirmation page, so it works without JavaScript.
import { tokenState, type Token } from "../../src/shared/contract";
import { Cell, Table } from "../ui/table";
import { Time } from "../ui/time";

export type TokenTableProps<T extends Token> = {
  tokens: T[];
  now: Date;
  /** "/profile/tokens" or "/admin/tokens": each "Revoke…" links to `${basePath}/:id/revoke`. */
  basePath: string;
  /** Shown instead of the table when there are no tokens. */
  empty: string;
  emptyClass?: string;
  /** Adds an Owner column; each owner links to `${basePath}?user=…`, the admin list's filter. */
  ownerOf?: (token: T) => string;
  class?: string;
};

function TokenStatus({ token, now }: { token: Token; now: Date }) {
  const state = tokenState(token, now);
  const cls = state === "active" ? "badge on" : state === "revoked" ? "badge off" : "badge";
  return <span class={cls}>{state}</span>;
}

const DAY_MS = 86_400_000;

/**
 * The expiry of a token, with an amber mark where it needs attention: a working token that never
 * expires, or one that expires within 7 days ("expires in N days", what the notice emails say).
 */
function Expiry({ token, now }: { token: Token; now: Date }) {
  const working = tokenState(token, now) === "active";
  if (!token.expires_at)
    return working ? (
      <span class="badge warn" title="A token that never expires works until someone revokes it">
        never expires
      </span>
    ) : (
      <span class="muted">never</span>
    );
  if (!working) return <Time at={token.expires_at} />;
  const days = Math.ceil((new Date(token.expires_at).getTime() - now.getTime()) / DAY_MS);
  return (
    <>
      <Time at={token.expires_at} />
      <div class={days <= 7 ? "expires-soon" : "muted"} safe>
        {`${days <= 7 ? "⚠ " : ""}expires in ${days} ${days === 1 ? "day" : "days"}`}
      </div>
    </>
  );
}

function Row<T extends Token>({ token, props }: { token: T; props: TokenTableProps<T> }) {
  const owner = props.ownerOf?.(token);
  return (
    <tr>
      <Cell label="Name">
        <span safe>{token.name}</span>
      </Cell>
      <Cell label="Prefix">
        <code safe>{token.prefix}</code>
      </Cell>
      <Cell label="Scopes" class="token-scopes">
        <span safe>{token.scopes.join(", ")}</span>
      </Cell>
      <Cell label="Created">
        <Time at={token.created_at} now={props.now} />
      </Cell>
      <Cell label="Expires">
        <Expiry token={token} now={props.now} />
      </Cell>
      <Cell label="Last used">
        <Time at={token.last_used_at} now={props.now} empty="never used" />
      </Cell>
      {owner === undefined ? (
        ""
      ) : (
        <Cell label="Owner">
          <a href={`${props.basePath}?user=${encodeURIComponent(owner)}`} safe>
            {owner}
          </a>
        </Cell>
      )}
      <Cell label="Status">
        <TokenStatus token={token} now={props.now} />
      </Cell>
      <Cell label="">
        {tokenState(token, props.now) === "revoked" ? (
          ""
        ) : (
          <a class="button small" href={`${props.basePath}/${encodeURIComponent(token.id)}/revoke`}>
            Revoke…
          </a>
        )}
      </Cell>
    </tr>
  );
}

export function TokenTable<T extends Token>(props: TokenTableProps<T>) {
  if (props.tokens.length === 0) {
    return (
      <p class={props.emptyClass ?? "muted"} safe>
        {props.empty}
      </p>
    );
  }
  const columns = ["Name", "Prefix", "Scopes", "Created", "Expires", "Last used", ...(props.ownerOf ? ["Owner"] : []), "Status", ""];
  return (
    <Table columns={columns} class={props.class} stack label="Tokens">
      {props.tokens.map((token) => (
        <Row token={token} props={props} />
      ))}
    </Table>
  );
}
