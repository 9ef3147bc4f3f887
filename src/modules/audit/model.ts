import { z } from "zod";

import { lenientPagingQuery, pagingQuery } from "../../http/paging";

/** A UTC day (`2026-12-07`, its midnight) or an ISO instant with an offset. */
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "expected a date (YYYY-MM-DD) or an ISO 8601 time" });

export const auditQuery = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(320).optional(),
  /** Entries by or about someone: their id or email. */
  person: z.string().max(320).optional(),
  since: instant.optional(),
  until: instant.optional(),
  format: z.enum(["json", "csv", "ndjson"]).optional(),
  ...pagingQuery,
});

/** The page's filters: lenient, so a hand-edited URL shows a page rather than an error. */
export const auditPageQuery = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(320).optional(),
  person: z.string().max(320).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  ...lenientPagingQuery,
});
