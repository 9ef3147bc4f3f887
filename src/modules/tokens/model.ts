// Request schemas for the token routes. Type errors are 422 (zod, through Elysia); range rules the
// spec names (`expires_in_days` < 1, above PAT_MAX_DAYS, empty name) are checked in the service → 400.
import { z } from "zod";
import { lenientPagingQuery, pagingQuery } from "../../http/paging";
import { TOKEN_STATE_FILTERS } from "../../shared/contract";

export { createTokenBody } from "./token-form";

/** POST /auth/tokens/revoke: any string (a malformed one is answered like every other, 204). */
export const revokeByValueBody = z.object({ token: z.string({ message: "token must be a string" }).max(4096) });

export const tokenIdParams = z.object({ id: z.string() });

export const adminTokensQuery = z.object({
  user: z.string().max(320).optional(),
  state: z.enum(TOKEN_STATE_FILTERS, { message: `state must be one of ${TOKEN_STATE_FILTERS.join(", ")}` }).default("all"),
  ...pagingQuery,
});

/** The admin page's filters are forgiving: a bad value falls back to the default instead of a 422. */
export const adminTokensPageQuery = z.object({
  user: z.string().max(320).optional(),
  state: z.string().max(20).optional(),
  ...lenientPagingQuery,
});
