// Accounts: signing in and out (JSON and form), who am I, my sessions, and first-run setup.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { accountsApi } from "./api";
import { setupPages } from "./setup-pages";
import { signInPages } from "./sign-in-pages";

export function accountsModule(ctx: AppContext) {
  return new Elysia({ name: "accounts" }).use(accountsApi(ctx)).use(signInPages(ctx)).use(setupPages(ctx));
}
