// Admin user management: the JSON API and the /admin/users pages, over one service.
export { usersApi } from "./api";
export { usersPages } from "./pages";
export { userChangeForms, userPasswordForms } from "./change-forms";
