import { z } from "zod";

const pageNumber = z.string().regex(/^\d+$/, "expected a whole number").transform(Number);

export const auditQuery = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(320).optional(),
  limit: pageNumber.optional(),
  offset: pageNumber.optional(),
});

/** The page's filters: lenient, so a hand-edited URL shows a page rather than an error. */
export const auditPageQuery = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(320).optional(),
  limit: z.string().max(10).optional(),
  offset: z.string().max(10).optional(),
});
