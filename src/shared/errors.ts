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

/** An admin set this person's password: nothing but the change (and /auth/me, sign-out) until they choose their own. */
export class PasswordChangeRequired extends HttpError {
  constructor() {
    super(
      403,
      `Your password was set by an administrator and must be changed before anything else: open ${PASSWORD_CHANGE_PATH} in a browser and choose your own`,
    );
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
