// The token states live in the shared contract (the CLI shows them too); views import them from here.
export { tokenState, type TokenState as TokenStateName } from "../../shared/contract";
