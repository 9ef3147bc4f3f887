// The admin users page's SSO controls for one person: link a provider identity by hand (provider +
// subject), unlink one (through a confirmation page), and detach a group-managed person from their
// provider's groups. Shown only when single sign-on is configured.
import type { SignInMethods, User } from "../../src/shared/contract";
import { CsrfField } from "../ui/csrf-field";

export type LinkProvider = { id: string; label: string };

export function IdentityActions({
  user,
  csrf,
  back,
  methods,
  providers,
}: {
  user: User;
  csrf: string;
  back: string;
  methods: SignInMethods | undefined;
  providers: LinkProvider[];
}) {
  if (providers.length === 0) return "";
  const base = `/admin/users/${encodeURIComponent(user.id)}`;
  const linked = methods?.identities ?? [];
  return (
    <details class="identities">
      <summary>SSO identities</summary>
      {linked.map((identity) => (
        <a class="button small" href={`${base}/identities/${encodeURIComponent(identity.provider)}/unlink`}>
          Unlink <span safe>{identity.label}</span>
        </a>
      ))}
      <form method="post" action={`${base}/identities`} class="row link-identity">
        <CsrfField token={csrf} />
        <input type="hidden" name="back" value={back} />
        <select name="provider" aria-label={`Provider to link for ${user.email}`}>
          {providers.map((p) => (
            <option value={p.id} safe>
              {p.label}
            </option>
          ))}
        </select>
        <input
          type="text"
          name="subject"
          required
          maxlength="255"
          placeholder="subject (sub)"
          aria-label={`Provider subject to link to ${user.email}`}
          autocomplete="off"
        />
        <button type="submit" class="button small">
          Link identity
        </button>
      </form>
      {methods?.roleManagedBy ? (
        <form method="post" action={`${base}/detach-groups`} class="inline">
          <CsrfField token={csrf} />
          <input type="hidden" name="back" value={back} />
          <button type="submit" class="button small danger">
            Detach from <span safe>{methods.roleManagedBy}</span> groups
          </button>
        </form>
      ) : (
        ""
      )}
      {methods?.groupsDetached ? <p class="muted">Detached from the provider's groups: the role is set here.</p> : ""}
    </details>
  );
}
