// The admin users page's "Sign-in" cell and the note that replaces the role form when a provider's
// groups manage the role.
import type { SignInMethods } from "../../src/shared/contract";
import { Time } from "../ui/time";

export function SignInMethodsCell({ methods }: { methods: SignInMethods | undefined }) {
  const names = [...(methods?.password ? ["password"] : []), ...(methods?.providers ?? [])];
  return (
    <td class="sign-in">
      {names.length ? (
        names
          .map((name) => (
            <span class="method" safe>
              {name}
            </span>
          ))
          .join(", ")
      ) : (
        <span class="muted">none yet</span>
      )}
      {methods?.lastSsoAt ? (
        <div class="muted">
          last SSO <Time at={methods.lastSsoAt} />
        </div>
      ) : (
        ""
      )}
    </td>
  );
}

export function ManagedRole({ label }: { label: string }) {
  return (
    <span class="muted role-managed" safe>
      {`Role managed by ${label}`}
    </span>
  );
}
