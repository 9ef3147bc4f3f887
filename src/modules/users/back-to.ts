// Where a form on the admin users page returns to: the list with the filters it was posted from,
// or a person's page, never anywhere else (the `back` field is checked like every redirect target). The identity forms
// of the sso module post from the same page and come back the same way.
import { safeNextPath } from "../../http/safe-next";

export const LIST_PATH = "/admin/users";

export function backTo(back: string | undefined): string {
  const path = safeNextPath(back, LIST_PATH);
  if (path === LIST_PATH || path.startsWith(`${LIST_PATH}?`)) return path;
  // A person's page (/admin/users/{id}): its forms come back to it.
  return /^\/admin\/users\/[^/?#]+$/.test(path) ? path : LIST_PATH;
}
