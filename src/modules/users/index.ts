// Admin user management: the JSON API and the /admin/users pages, over one service.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { usersApi } from "./api";
import { userChangeForms, userPasswordForms, usersPages } from "./pages";

export function usersModule(ctx: AppContext) {
  return new Elysia({ name: "users" }).use(usersApi(ctx)).use(usersPages(ctx)).use(userChangeForms(ctx)).use(userPasswordForms(ctx));
}
