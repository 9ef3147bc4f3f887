// `<id|email>` as the admin commands take it (da admin …, da admin groups add …).
import type { User } from "../../src/shared/contract";
import type { Api } from "../api";
import { CliError } from "../errors";

/** `<id|email>`: an email is looked up by search and must match exactly (case-insensitive). */
export async function findUser(api: Api, ref: string): Promise<User> {
  if (!ref.includes("@")) return api.get<User>(`/api/users/${encodeURIComponent(ref)}`);
  const matches = await api.get<User[]>("/api/users", { q: ref });
  const user = matches.find((candidate) => candidate.email.toLowerCase() === ref.toLowerCase());
  if (!user) throw new CliError(`no user with email ${ref}`, "see `da admin list-users`");
  return user;
}
