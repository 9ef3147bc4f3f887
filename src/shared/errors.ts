// One error shape, shared by every layer (src/auth and src/db included: it carries no HTTP machinery,
// only a status and a message). Services throw these; the one onError (src/http/error-handler.ts)
// turns them into {"detail": …} with the status, or an HTML page for a browser navigation.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  /** Fields the JSON answer carries beside `detail` (e.g. `mfa_required`). */
  readonly fields: Record<string, boolean | string> = {};
}

export class BadRequest extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}
export class Unauthenticated extends HttpError {
  constructor(message = "Not signed in, or the session has expired", headers: Record<string, string> = {}) {
    super(401, message, headers);
  }
}
export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, message);
  }
}
/** Signed in, but the role is too low: browsers get a 403 page naming the role needed. */
export class RoleTooLow extends HttpError {
  constructor(readonly needed: string) {
    super(403, `This needs the ${needed} role`);
  }
}
/** The path of the page where someone whose password an admin set chooses their own. */
export const PASSWORD_CHANGE_PATH = "/password/change";

/**
 * A session held to one task before anything else (src/http/auth-guard.ts): 403 JSON, and a browser
 * navigation is sent to `path`, where the task is done.
 */
export class SessionRestricted extends HttpError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(403, message);
  }
}

/** An admin set this person's password: nothing but the change (and /auth/me, sign-out) until they choose their own. */
export class PasswordChangeRequired extends SessionRestricted {
  constructor() {
    super(
      PASSWORD_CHANGE_PATH,
      `Your password was set by an administrator and must be changed before anything else: open ${PASSWORD_CHANGE_PATH} in a browser and choose your own`,
    );
  }
}

/** Where a person sets up a second factor (src/modules/mfa). */
export const SECOND_FACTOR_PATH = "/profile/two-factor";

/** MFA_REQUIRED covers this person and they have no second factor: nothing but enrolment (and /auth/me, sign-out). */
export class SecondFactorEnrolmentRequired extends SessionRestricted {
  constructor() {
    super(
      SECOND_FACTOR_PATH,
      `This server requires a second factor for your account: open ${SECOND_FACTOR_PATH} in a browser and set one up before anything else`,
    );
  }
}

/** The password was right and the account has a second factor: the sign-in needs a code (`otp`) too. */
export class SecondFactorNeeded extends Unauthenticated {
  override readonly fields = { mfa_required: true };
  constructor(message = "This account has a second factor: send the code from the authenticator app (or a recovery code) as `otp`") {
    super(message);
  }
}
export class NotFound extends HttpError {
  constructor(message = "Not found") {
    super(404, message);
  }
}
export class Conflict extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}
export class TooManyRequests extends HttpError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, message, { "retry-after": String(retryAfterSeconds) });
  }
}

/** The disk is full or read-only (src/db/storage.ts): reads go on, writes are refused until it recovers. */
export const STORAGE_RETRY_AFTER_SECONDS = 30;
export class ServiceUnavailable extends HttpError {
  constructor(message: string, retryAfterSeconds = STORAGE_RETRY_AFTER_SECONDS) {
    super(503, message, { "retry-after": String(retryAfterSeconds) });
  }
}
