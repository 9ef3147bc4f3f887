// limit/offset: ONE rule for every list, in the API and in the pages (the numbers live in
// src/shared/contract.ts, so `da` pages by the same rule). Default 50, at most 500 a page (a larger
// limit is clamped, as GitLab does), offset at most 10,000,000. In the API a value that is not a
// whole number is a 422 from the schema, never a 500 from DuckDB; pages are lenient, so a
// hand-edited URL shows the default page instead of an error.
import { z } from "zod";
import { PAGING } from "../shared/contract";

/** A whole number from a query string, at most `max`. */
export const queryNumber = (max: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, "expected a whole number")
    .transform(Number)
    .pipe(z.number().max(max, `must be at most ${max}`));

/** The API's limit/offset. */
export const pagingQuery = {
  limit: queryNumber(1_000_000).optional(),
  offset: queryNumber(PAGING.maxOffset).optional(),
};

/** The pages' limit/offset: any short string; pageWindowOf turns a bad one into the default. */
export const lenientPagingQuery = {
  limit: z.string().max(40).optional(),
  offset: z.string().max(40).optional(),
};

export type PageWindow = { limit: number; offset: number };

/** The window for validated numbers (API). */
export function pageWindow(limit: number | undefined, offset: number | undefined): PageWindow {
  return {
    limit: Math.min(Math.max(limit ?? PAGING.defaultLimit, 1), PAGING.maxLimit),
    offset: Math.min(Math.max(offset ?? 0, 0), PAGING.maxOffset),
  };
}

/** The window for a page's raw query strings. */
export function pageWindowOf(query: { limit?: string; offset?: string }): PageWindow {
  return pageWindow(wholeNumberOrUndefined(query.limit), wholeNumberOrUndefined(query.offset));
}

function wholeNumberOrUndefined(value: string | undefined): number | undefined {
  return value && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
