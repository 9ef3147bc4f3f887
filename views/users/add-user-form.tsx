import { DEFAULT_ROLE } from "../../src/shared/contract";
import { RoleHelp, RoleOptions } from "../ui/role";
import { CsrfField } from "../ui/csrf-field";

export type AddUserField = "email" | "name" | "role" | "password";
/** What was typed (never the password) and what was wrong, by field, after a refused "Add user". */
export type AddUserState = { values: { email: string; name: string; role: string }; errors: Partial<Record<AddUserField | "form", string>> };

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return "";
  return (
    <span class="field-error" id={id} safe>
      {text}
    </span>
  );
}

/** aria attributes that tie a field to its error, when it has one. */
const invalid = (field: AddUserField, state: AddUserState | undefined) =>
  state?.errors[field] ? { "aria-invalid": "true", "aria-describedby": `add-${field}-error` } : {};

/**
 * "Add user": stays open and filled after a refusal, each error beside its field. A second button
 * adds the person and creates their reset link in one step.
 */
export function AddUserForm({ csrf, back, state }: { csrf: string; back: string; state?: AddUserState }) {
  const values = state?.values ?? { email: "", name: "", role: DEFAULT_ROLE };
  return (
    <details class="card add-user" open={state !== undefined}>
      <summary>Add user</summary>
      {state?.errors.form ? (
        <p class="flash flash-error" role="alert" safe>
          {state.errors.form}
        </p>
      ) : (
        ""
      )}
      <form method="post" action="/admin/users" class="row">
        <CsrfField token={csrf} />
        <input type="hidden" name="back" value={back} />
        <label>
          Email
          <input type="email" name="email" required autocomplete="off" value={values.email} {...invalid("email", state)} />
          <FieldError id="add-email-error" text={state?.errors.email} />
        </label>
        <label>
          Name
          <input type="text" name="name" autocomplete="off" value={values.name} {...invalid("name", state)} />
          <FieldError id="add-name-error" text={state?.errors.name} />
        </label>
        <label>
          Role
          <select name="role" {...invalid("role", state)}>
            <RoleOptions selected={values.role} />
          </select>
          <FieldError id="add-role-error" text={state?.errors.role} />
        </label>
        <label>
          Password (optional)
          <input type="password" name="password" minlength="8" autocomplete="new-password" {...invalid("password", state)} />
          <FieldError id="add-password-error" text={state?.errors.password} />
        </label>
        <button type="submit" class="button primary">
          Add user
        </button>
        <button type="submit" name="also" value="reset-link" class="button">
          Add user and create a reset link
        </button>
      </form>
      <RoleHelp />
      <p class="muted">
        A password set here must be changed by its owner at their first sign-in. Without one, add them with a reset link, or invite them below.
      </p>
    </details>
  );
}
