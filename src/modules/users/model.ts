// Request schemas for /api/users and the /admin/users forms. Shape violations → 422 (Elysia + zod);
// the rules the spec names (unknown role, short password, malformed email) are checked in the
// service and answered 400, so the API and the pages give the same messages.
import { z } from "zod";
import { lenientPagingQuery, pagingQuery } from "../../http/paging";

export const listUsersQuery = z.object({
  q: z.string().max(200).optional(),
  role: z.string().max(40).optional(),
  active: z.enum(["true", "false"]).optional(),
  ...pagingQuery,
});

export const createUserBody = z.object({
  email: z.string().max(320),
  name: z.string().max(200).optional(),
  role: z.string().max(40).optional(),
  password: z.string().max(1024).nullable().optional(),
  /** Default true: a password set by an admin must be changed by its owner at the next sign-in. */
  must_change_password: z.boolean().optional(),
});

export const updateUserBody = z.object({
  name: z.string().max(200).optional(),
  role: z.string().max(40).optional(),
  active: z.boolean().optional(),
});

export const setPasswordBody = z.object({ password: z.string().max(1024), must_change_password: z.boolean().optional() });

/** Any string: an id that is malformed (too long, odd characters) is simply not found (404), never 422. */
export const userIdParams = z.object({ id: z.string() });

/** Form fields arrive as strings; every one is optional so a missing field reads as a flash, not a 422. */
export const adminUserForm = z.object({
  _csrf: z.string().optional(),
  back: z.string().max(2000).optional(),
  email: z.string().max(320).optional(),
  name: z.string().max(200).optional(),
  role: z.string().max(40).optional(),
  password: z.string().max(1024).optional(),
  confirm: z.string().max(10).optional(),
  /** "Add user": `reset-link` also creates their reset link, in the same step. */
  also: z.string().max(20).optional(),
});

/** The page's filters: lenient, so a hand-edited URL shows a page rather than an error. */
export const adminUsersQuery = z.object({
  q: z.string().max(200).optional(),
  role: z.string().max(40).optional(),
  status: z.string().max(20).optional(),
  ...lenientPagingQuery,
});
