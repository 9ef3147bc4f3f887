// Request schemas for the data routes. Type errors are 422 (zod, through Elysia); an empty SQL text
// or a limit out of range is a 400 from the route.
import { z } from "zod";

export const queryBody = z.object({
  sql: z.string({ message: "sql must be a string" }),
  limit: z.number({ message: "limit must be a whole number" }).int({ message: "limit must be a whole number" }).optional(),
});

/** The JSON answer's default row count when the request names none (the original client's). */
export const DEFAULT_QUERY_LIMIT = 1000;

export const datasetNameParams = z.object({ name: z.string().max(200) });
export const datasetNameQuery = z.object({ name: z.string().max(200).optional() });

export const queryFormatQuery = z.object({
  format: z.enum(["json", "csv", "ndjson", "parquet"], { message: "format must be json, csv, ndjson or parquet" }).optional(),
});
