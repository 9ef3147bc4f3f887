// Request schemas for /api/groups, grants and the group forms. Shape violations → 422; the rules
// (empty or long names, unknown groups) are checked in the service and answered 400.
import { z } from "zod";
import { pagingQuery } from "../../http/paging";

/** Any string: a malformed id is simply not found (404), never 422. */
export const groupIdParams = z.object({ id: z.string() });
export const memberParams = z.object({ id: z.string(), user_id: z.string() });
export const datasetParams = z.object({ name: z.string() });
export const userIdParams = z.object({ id: z.string() });
export const membersQuery = z.object(pagingQuery);

export const createGroupBody = z.object({ name: z.string().max(1000), description: z.string().max(4000).optional() });
export const changeGroupBody = z.object({ name: z.string().max(1000).optional(), description: z.string().max(4000).optional() });
export const grantsBody = z.object({ groups: z.array(z.string().max(200)).max(10_000) });
