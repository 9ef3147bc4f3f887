import type { PageContext } from "../../src/shared/page-context";
import { DEFAULT_PICKED_SCOPES, TOKEN_SCOPES, TOKEN_SCOPE_NAMES, type Token } from "../../src/shared/contract";
import { CopyButton } from "../ui/copy-button";
import { CsrfField } from "../ui/csrf-field";
import { TokenTable } from "../tokens/token-table";
import { Time } from "../ui/time";

/** One choice of the "Expires" select: the server decides which lifetimes are allowed. */
export type LifetimeChoice = { value: string; label: string; selected: boolean };

/** The new token, shown once: it is not stored anywhere it could be shown from again. Its Copy button takes the focus (#revealed). */
export function TokenReveal({ token }: { token: string }) {
  return (
    <div class="reveal" id="revealed">
      <h2>Your new personal access token</h2>
      <p>
        <strong>Copy it now: you will not see it again.</strong> Agnes keeps only a hash of it. If you lose it, revoke it and create another.
      </p>
      <div class="row reveal-value">
        <code class="token-value" safe>
          {token}
        </code>
        <CopyButton text={token} autofocus />
      </div>
      <p class="muted">
        Use it as <code>Authorization: Bearer …</code>, or run <code>da login --with-token</code> and paste it.
      </p>
    </div>
  );
}

/** The create-token form: the profile's, and a service account's page (`action`). */
export function CreateTokenForm({ csrf, lifetimes, action }: { csrf: string; lifetimes: LifetimeChoice[]; action: string }) {
  return (
    <form method="post" action={action} class="row">
      <CsrfField token={csrf} />
      <label>
        Name
        <input type="text" name="name" maxlength="100" required placeholder="e.g. laptop, CI deploy" />
      </label>
      <label>
        Expires
        <select name="expires_in_days">
          {lifetimes.map((o) => (
            <option value={o.value} selected={o.selected}>
              {o.label as "safe"}
            </option>
          ))}
        </select>
      </label>
      <label>
        Allowed networks
        <input type="text" name="allowed_cidrs" maxlength="2000" placeholder="optional, e.g. 203.0.113.0/24" />
      </label>
      <fieldset class="scopes">
        <legend>What may it do?</legend>
        {TOKEN_SCOPE_NAMES.map((scope) => (
          <label class="scope">
            <input type="checkbox" name={`scope:${scope}`} value="on" checked={DEFAULT_PICKED_SCOPES.includes(scope)} />
            <code>{scope}</code> <span class="muted">{TOKEN_SCOPES[scope]}</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" class="button primary">
        Create token
      </button>
    </form>
  );
}

/** A refused use of a token from outside its networks (the audit's token.blocked_ip). */
export type BlockedUse = { name: string; ip: string; at: string };

function BlockedUses({ uses }: { uses: BlockedUse[] }) {
  if (uses.length === 0) return "";
  return (
    <div class="blocked-uses">
      <h3>Refused: used from outside the token's networks</h3>
      <ul>
        {uses.map((use) => (
          <li>
            <span safe>{`"${use.name}" from ${use.ip}, `}</span>
            <Time at={use.at} />
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TokensSection(props: {
  page: PageContext;
  tokens: Token[];
  olderInactive: number;
  lifetimes: LifetimeChoice[];
  now: Date;
  blocked?: BlockedUse[];
}) {
  return (
    <section class="card" id="tokens">
      <h2>Personal access tokens</h2>
      <p class="muted">
        For the <code>da</code> CLI, CI jobs and scripts. A token acts as you, with your role, but only for what its scopes allow, until it expires or you
        revoke it.
      </p>
      <CreateTokenForm csrf={props.page.csrf} lifetimes={props.lifetimes} action="/profile/tokens" />
      <BlockedUses uses={props.blocked ?? []} />
      <TokenTable tokens={props.tokens} now={props.now} basePath="/profile/tokens" empty="You have no tokens yet." class="tokens" />
      {props.olderInactive > 0 && (
        <p class="muted older-tokens">
          <span safe>{`${props.olderInactive} older revoked or expired ${props.olderInactive === 1 ? "token is" : "tokens are"} not shown;`}</span>{" "}
          <code>da auth token list</code> lists every one.
        </p>
      )}
    </section>
  );
}
