// Accounts: signing in and out (JSON and form), who am I, my sessions, and first-run setup.
export { accountsApi } from "./api";
export { setupPages } from "./setup-pages";
export { signInPages } from "./sign-in-pages";
export { passwordChangePages } from "./password-change-pages";
