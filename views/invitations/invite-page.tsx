import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { Layout } from "../ui/layout";

/** `providers`: the single sign-on providers the person may accept with instead (their identity is bound to the account). */
export type InvitePageProps = {
  page: PageContext;
  token: string;
  email: string;
  role: string;
  passwordLogin: boolean;
  providers: { id: string; label: string }[];
  name?: string;
  error?: string;
};

function ProviderLinks({ providers, token }: { providers: { id: string; label: string }[]; token: string }) {
  if (providers.length === 0) return "";
  return (
    <div class="stack sso-buttons">
      {providers.map((p) => (
        <a class="button sso" href={`/auth/oidc/${encodeURIComponent(p.id)}/start?invite=${encodeURIComponent(token)}`} safe>
          {`Accept with ${p.label}`}
        </a>
      ))}
    </div>
  );
}

/** Behind an invitation link: the person chooses a name and a password, and their account is ready. */
export function InvitePage({ page, token, email, role, passwordLogin, providers, name, error }: InvitePageProps) {
  return (
    <Layout title="Accept your invitation" page={page}>
      <section class="card narrow">
        <h1>Welcome to Agnes</h1>
        <p>
          You are invited as <strong safe>{email}</strong>, with the <strong safe>{role}</strong> role.
        </p>
        <ErrorAlert message={error} />
        <ProviderLinks providers={providers} token={token} />
        {passwordLogin ? (
          <form method="post" action={`/invite/${encodeURIComponent(token)}`} class="stack">
            <input type="hidden" name="username" value={email} autocomplete="username" />
            <label>
              Your name
              <input type="text" name="name" value={name ?? ""} maxlength="200" autocomplete="name" autofocus />
            </label>
            <label>
              Password
              <input type="password" name="password" minlength="8" autocomplete="new-password" required />
            </label>
            <label>
              Repeat the password
              <input type="password" name="password_confirm" minlength="8" autocomplete="new-password" required />
            </label>
            <button type="submit" class="button primary">
              Create my account
            </button>
          </form>
        ) : (
          ""
        )}
      </section>
    </Layout>
  );
}

/** A link that cannot be used (unknown, accepted, revoked, expired, or the address has an account). */
export function InviteProblemPage({ page, message }: { page: PageContext; message: string }) {
  return (
    <Layout title="Invitation not valid" page={page}>
      <section class="card narrow">
        <h1>This invitation cannot be used</h1>
        <p safe>{message}</p>
        <p>
          <a href="/login">Go to sign in</a>
        </p>
      </section>
    </Layout>
  );
}
