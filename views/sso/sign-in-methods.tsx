// How a person signs in (a person's page under /admin/users) and the note that replaces the role form when a provider's
// groups manage the role.
import type { SignInMethods } from "../../src/shared/contract";
import { Time } from "../ui/time";

export function SignInMethodsText({ methods }: { methods: SignInMethods | undefined }) {
  const names = [...(methods?.password ? ["password"] : []), ...(methods?.providers ?? [])];
  return (
    <span class="sign-in">
      {names.length ? (
        names
          .map((name) => (
            <span class="method" safe>
              {name}
            </span>
          ))
          .join(", ")
      ) : (
        <span class="muted">nothing yet: create a reset link or set a password</span>
      )}
      {methods?.lastSsoAt ? (
        <div class="muted">
          last SSO <Time at={methods.lastSsoAt} />
        </div>
      ) : (
        ""
      )}
    </span>
  );
}

export function ManagedRole({ label }: { label: string }) {
  return (
    <span class="muted role-managed" safe>
      {`Role managed by ${label}`}
    </span>
  );
}
