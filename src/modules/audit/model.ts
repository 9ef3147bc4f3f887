import { z } from "zod";

import { lenientPagingQuery, pagingQuery } from "../../http/paging";

export const auditQuery = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(320).optional(),
  ...pagingQuery,
});

/** The page's filters: lenient, so a hand-edited URL shows a page rather than an error. */
export const auditPageQuery = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(320).optional(),
  ...lenientPagingQuery,
});
