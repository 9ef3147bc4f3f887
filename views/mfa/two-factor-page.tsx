import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { PasskeysSection, type PasskeyView } from "./passkeys-section";
import { CopyButton } from "../ui/copy-button";

export type { PasskeyView };
export type TwoFactorProps = {
  page: PageContext;
  totp: "on" | "pending" | "off";
  recoveryCodesLeft: number;
  passkeys: PasskeyView[];
  /** Recovery codes just made, shown this once. */
  revealedCodes: string[] | null;
  /** MFA_REQUIRED holds this session here until a factor is set up. */
  required: boolean;
};

function RecoveryCodesReveal({ codes }: { codes: string[] }) {
  return (
    <div class="reveal" role="status" id="recovery-codes">
      <p>
        <strong>Your recovery codes.</strong> Each works once, instead of a code from the app. Keep them somewhere safe: they are not shown again.
      </p>
      <pre class="recovery-codes" safe>
        {codes.join("\n")}
      </pre>
      <CopyButton text={codes.join("\n")} />
    </div>
  );
}

function TotpSection({ page, totp }: { page: PageContext; totp: TwoFactorProps["totp"] }) {
  return (
    <section class="card" id="totp">
      <h2>Authenticator app</h2>
      {totp === "on" ? (
        <form method="post" action="/profile/two-factor/totp/remove" class="stack narrow-form">
          <p>On: signing in with your password asks for a code from the app.</p>
          <CsrfField token={page.csrf} />
          <label>
            To remove it, enter a current code (or a recovery code)
            <input name="code" autocomplete="one-time-code" required />
          </label>
          <div>
            <button type="submit" class="button danger">
              Remove the authenticator app
            </button>
          </div>
        </form>
      ) : (
        <form method="post" action="/profile/two-factor/totp" class="stack narrow-form">
          <p>{totp === "pending" ? "Set-up started but not confirmed yet." : "Off."} Any authenticator app works (it scans a QR code).</p>
          <CsrfField token={page.csrf} />
          <div>
            <button type="submit" class="button primary">
              {totp === "pending" ? "Start the set-up again" : "Set up an authenticator app"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function RecoverySection({ page, left, enabled, askCode }: { page: PageContext; left: number; enabled: boolean; askCode: boolean }) {
  return (
    <section class="card" id="recovery">
      <h2>Recovery codes</h2>
      <p>{enabled ? `${left} of 10 unused.` : "Made when you set up a second factor."}</p>
      {enabled ? (
        <form method="post" action="/profile/two-factor/recovery-codes" class={askCode ? "stack narrow-form" : "inline"}>
          <CsrfField token={page.csrf} />
          {askCode ? (
            <label>
              Enter a current code from the app (or a recovery code)
              <input name="code" autocomplete="one-time-code" required />
            </label>
          ) : (
            ""
          )}
          <button type="submit" class="button">
            Make new recovery codes (the old ones stop working)
          </button>
        </form>
      ) : (
        ""
      )}
    </section>
  );
}

/** /profile/two-factor: the person's second factors. */
export function TwoFactorPage(props: TwoFactorProps) {
  const enabled = props.totp === "on" || props.passkeys.length > 0;
  return (
    <Layout title="Two-factor sign-in" page={props.page} section="profile">
      <>
        <section class="card" id="two-factor">
          <h1>Two-factor sign-in</h1>
          {props.required ? (
            <p class="flash flash-error" role="alert">
              This server requires a second factor for your account. Set one up to go on.
            </p>
          ) : (
            <p>
              <a href="/profile">Back to your profile</a>
            </p>
          )}
        </section>
        {props.revealedCodes ? <RecoveryCodesReveal codes={props.revealedCodes} /> : ""}
        <TotpSection page={props.page} totp={props.totp} />
        <PasskeysSection page={props.page} passkeys={props.passkeys} />
        <RecoverySection page={props.page} left={props.recoveryCodesLeft} enabled={enabled} askCode={props.totp === "on"} />
      </>
    </Layout>
  );
}

export function TotpEnrolPage({ page, secret, qrSvg, error }: { page: PageContext; secret: string; qrSvg: string; error?: string }) {
  const qr = `data:image/svg+xml;base64,${Buffer.from(qrSvg).toString("base64")}`;
  return (
    <Layout title="Set up an authenticator app" page={page} section="profile">
      <section class="card narrow">
        <h1>Set up an authenticator app</h1>
        {error ? (
          <p class="flash flash-error" role="alert" safe>
            {error}
          </p>
        ) : (
          ""
        )}
        <p>Scan this code with the app, or type the key below into it.</p>
        <img src={qr} alt="QR code of the authenticator key" width="220" height="220" class="qr" />
        <p>
          Key:{" "}
          <code id="totp-secret" safe>
            {secret}
          </code>
        </p>
        <form method="post" action="/profile/two-factor/totp/confirm" class="stack">
          <CsrfField token={page.csrf} />
          <label>
            The six-digit code the app shows
            <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus />
          </label>
          <button type="submit" class="button primary">
            Confirm
          </button>
        </form>
        <p>
          <a href="/profile/two-factor">Cancel</a>
        </p>
      </section>
    </Layout>
  );
}
