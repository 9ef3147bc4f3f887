import { ROLES, type Role } from "../../src/shared/contract";
import { ROLE_DESCRIPTIONS } from "../../src/shared/roles";

/** A role as a badge, what it may do in the tooltip. */
export function RoleName({ role }: { role: Role }) {
  return (
    <span class="badge" title={ROLE_DESCRIPTIONS[role]}>
      {role}
    </span>
  );
}

/** The options of a role select; `any` adds an empty "Any role" choice (filters). */
export function RoleOptions({ selected, any }: { selected: string; any?: boolean }) {
  return (
    <>
      {any ? <option value="">Any role</option> : ""}
      {ROLES.map((role) => (
        <option value={role} selected={role === selected} title={ROLE_DESCRIPTIONS[role]}>
          {role}
        </option>
      ))}
    </>
  );
}

/** One line per role, shown wherever a role is chosen (the select's options cannot carry it visibly). */
export function RoleHelp() {
  return (
    <ul class="role-help" aria-label="What each role may do">
      {ROLES.map((role) => (
        <li>
          <strong>{role}</strong>: <span safe>{ROLE_DESCRIPTIONS[role]}</span>
        </li>
      ))}
    </ul>
  );
}
