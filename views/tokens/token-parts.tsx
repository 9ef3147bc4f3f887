// Pieces shared by the profile's and the admin's token tables.
import type { Token } from "../../src/shared/contract";
import { tokenState } from "../../src/shared/contract";
import { Time } from "../ui/time";

export function TokenStatus({ token, now }: { token: Token; now: Date }) {
  const state = tokenState(token, now);
  const cls = state === "active" ? "badge on" : state === "revoked" ? "badge off" : "badge";
  return <span class={cls}>{state}</span>;
}

export function Expiry({ token }: { token: Token }) {
  return token.expires_at ? <Time at={token.expires_at} /> : <span class="muted">never</span>;
}

export function TokenCells({ token }: { token: Token }) {
  return (
    <>
      <td safe>{token.name}</td>
      <td>
        <code safe>{token.prefix}</code>
      </td>
      <td>
        <Time at={token.created_at} />
      </td>
      <td>
        <Expiry token={token} />
      </td>
      <td>
        <Time at={token.last_used_at} empty="never used" />
      </td>
    </>
  );
}
