export { mfaProfilePages } from "./profile-pages";
export { secondStepPages } from "./sign-in-pages";
