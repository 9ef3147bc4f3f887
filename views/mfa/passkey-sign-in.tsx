/** "Sign in with a passkey" on /login: needs JavaScript (WebAuthn), and says so when it is off. */
export function PasskeySignIn() {
  return (
    <div class="stack" id="passkey-sign-in">
      <button type="button" class="button" id="passkey-button" data-mode="sign-in" hidden>
        Sign in with a passkey
      </button>
      <p class="muted" id="passkey-sign-in-status" role="status"></p>
      <noscript>
        <p class="muted">Signing in with a passkey needs JavaScript; the password form works without it.</p>
      </noscript>
      <script src="/static/webauthn.js" defer></script>
      <script src="/static/passkeys.js" defer></script>
    </div>
  );
}
