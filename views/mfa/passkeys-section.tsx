import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Time } from "../ui/time";

export type PasskeyView = { id: string; name: string; createdAt: Date; lastUsedAt: Date | null };

function PasskeyRow({ passkey, csrf }: { passkey: PasskeyView; csrf: string }) {
  return (
    <tr>
      <td safe>{passkey.name}</td>
      <td>
        <Time at={passkey.createdAt} />
      </td>
      <td>
        <Time at={passkey.lastUsedAt} empty="never" />
      </td>
      <td>
        <form method="post" action={`/profile/two-factor/passkeys/${encodeURIComponent(passkey.id)}/remove`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" class="button small danger">
            Remove
          </button>
        </form>
      </td>
    </tr>
  );
}

/** Passkeys: named, with when each was last used; adding one needs JavaScript (WebAuthn), and says so. */
export function PasskeysSection({ page, passkeys }: { page: PageContext; passkeys: PasskeyView[] }) {
  return (
    <section class="card" id="passkeys">
      <h2>Passkeys</h2>
      {passkeys.length ? (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Added</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {passkeys.map((p) => (
              <PasskeyRow passkey={p} csrf={page.csrf} />
            ))}
          </tbody>
        </table>
      ) : (
        <p>None yet. A passkey signs you in without a password, or serves as your second factor.</p>
      )}
      <form id="passkey-register" class="stack narrow-form" data-csrf={page.csrf}>
        <label>
          Name of the new passkey
          <input name="name" id="passkey-name" maxlength="100" value="Passkey" required />
        </label>
        <div>
          <button type="submit" class="button" id="passkey-add" hidden>
            Add a passkey
          </button>
        </div>
        <p class="muted" id="passkey-status" role="status"></p>
      </form>
      <noscript>
        <p class="muted">Adding a passkey needs JavaScript (the browser's WebAuthn). Everything else on this page works without it.</p>
      </noscript>
      <script src="/static/webauthn.js" defer></script>
      <script src="/static/passkeys.js" defer></script>
    </section>
  );
}
