// Reads what the auth state holds from the tables: every user, live sessions and live tokens at
// `now`, each through the module that owns it. createContext loads the state from this, and the
// model test compares the live state against a fresh load of it after every step.
import type { Queryable } from "../../db/database";
import type { AuthRecords } from "../../auth/auth-state";
import { listAuthUsers, listPasswordChangeRequired } from "../users/directory";
import { liveTokensForAuth } from "../tokens/service";
import { liveOAuthTokensForAuth } from "../oauth/grants";
import { liveSessionsForAuth } from "./sessions";
import { readGroupRecords } from "../groups/records";
import { listHeldToEnrolment } from "../mfa/second-step";

export async function readAuthRecords(q: Queryable, now: Date): Promise<AuthRecords> {
  return {
    users: await listAuthUsers(q),
    sessions: await liveSessionsForAuth(q, now),
    tokens: await liveTokensForAuth(q, now),
    ...(await readGroupRecords(q)),
    mustChangePassword: await listPasswordChangeRequired(q),
    mustEnrolSecondFactor: await listHeldToEnrolment(q),
    oauthTokens: await liveOAuthTokensForAuth(q, now),
  };
}
