// The one token table: the profile lists the viewer's own tokens, /admin/tokens everyone's with an
// Owner column. "Revoke…" leads to the server-side confirmation page, so it works without JavaScript.
import { tokenState, type Token } from "../../src/shared/contract";
import { Table } from "../ui/table";
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

/** "expires in N days" under a working token's expiry (the profile's notice of what the emails say). */
function ExpiresIn({ token, now }: { token: Token; now: Date }) {
  if (!token.expires_at || tokenState(token, now) !== "active") return "";
  const days = Math.ceil((new Date(token.expires_at).getTime() - now.getTime()) / DAY_MS);
  return (
    <div class={days <= 7 ? "expires-soon" : "muted"} safe>
      {`expires in ${days} ${days === 1 ? "day" : "days"}`}
    </div>
  );
}

function Row<T extends Token>({ token, props }: { token: T; props: TokenTableProps<T> }) {
  const owner = props.ownerOf?.(token);
  return (
    <tr>
      <td safe>{token.name}</td>
      <td>
        <code safe>{token.prefix}</code>
      </td>
      <td class="token-scopes" safe>
        {token.scopes.join(", ")}
      </td>
      <td>
        <Time at={token.created_at} />
      </td>
      <td>
        {token.expires_at ? <Time at={token.expires_at} /> : <span class="muted">never</span>}
        <ExpiresIn token={token} now={props.now} />
      </td>
      <td>
        <Time at={token.last_used_at} empty="never used" />
      </td>
      {owner === undefined ? (
        ""
      ) : (
        <td>
          <a href={`${props.basePath}?user=${encodeURIComponent(owner)}`} safe>
            {owner}
          </a>
        </td>
      )}
      <td>
        <TokenStatus token={token} now={props.now} />
      </td>
      <td>
        {tokenState(token, props.now) === "revoked" ? (
          ""
        ) : (
          <a class="button small" href={`${props.basePath}/${encodeURIComponent(token.id)}/revoke`}>
            Revoke…
          </a>
        )}
      </td>
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
    <Table columns={columns} class={props.class}>
      {props.tokens.map((token) => (
        <Row token={token} props={props} />
      ))}
    </Table>
  );
}
