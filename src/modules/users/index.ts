// Admin user management: the JSON API and the /admin/users pages, over one service.
export { usersApi } from "./api";
export { userChangeForms, userPasswordForms, usersPages } from "./pages";
