export { mfaProfilePages } from "./profile-pages";
export { secondStepPages } from "./sign-in-pages";
export { passkeyRoutes } from "./passkey-routes";
export { webauthnScripts } from "./scripts";
