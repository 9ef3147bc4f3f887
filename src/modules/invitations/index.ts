// Invitations: the admin's JSON API and forms, and the /invite page the invited person opens.
export { invitationsApi } from "./api";
export { invitationForms, invitePages } from "./pages";
