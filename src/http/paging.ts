// limit/offset for list endpoints, one rule for all of them. A number too large for the database
// is a 422 from the schema, never a 500 from DuckDB.
import { z } from "zod";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const MAX_OFFSET = 10_000_000;

/** A whole number from a query string, at most `max`. */
export const queryNumber = (max: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, "expected a whole number")
    .transform(Number)
    .pipe(z.number().max(max, `must be at most ${max}`));

export const pagingQuery = {
  limit: queryNumber(1_000_000).optional(),
  offset: queryNumber(MAX_OFFSET).optional(),
};

/** The pages' limit/offset: any short string; numberOr turns a bad one into the default. */
export const lenientPagingQuery = {
  limit: z.string().max(40).optional(),
  offset: z.string().max(40).optional(),
};

/** limit/offset from a query: default 50, at most 500 (a larger limit is clamped, as GitLab does). */
export function pageWindow(limit: number | undefined, offset: number | undefined): { limit: number; offset: number } {
  return {
    limit: Math.min(Math.max(limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE),
    offset: Math.min(Math.max(offset ?? 0, 0), MAX_OFFSET),
  };
}

/** For pages: a hand-edited URL with a bad number shows the default page rather than an error. */
export function numberOr(value: string | undefined, fallback: number): number {
  return value && /^\d{1,9}$/.test(value) ? Number(value) : fallback;
}
