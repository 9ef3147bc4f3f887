// Where a form on the admin users page returns to: the list with the filters it was posted from,
// never anywhere else (the `back` field is checked like every redirect target). The identity forms
// of the sso module post from the same page and come back the same way.
import { safeNextPath } from "../../http/safe-next";

export const LIST_PATH = "/admin/users";

export function backTo(back: string | undefined): string {
  const path = safeNextPath(back, LIST_PATH);
  return path === LIST_PATH || path.startsWith(`${LIST_PATH}?`) ? path : LIST_PATH;
}
