import { z } from "zod";

/**
 * POST /api/invitations. Strict: this server has no groups yet, so a `groups` field (or any other
 * unknown one) is refused with 422 rather than silently dropped.
 */
export const createInvitationBody = z.strictObject({
  email: z.string().max(320),
  role: z.string().max(40).optional(),
});

export const invitationIdParams = z.object({ id: z.string() });

export const listInvitationsQuery = z.object({ state: z.enum(["open", "all"]).optional() });

export const inviteParams = z.object({ token: z.string().max(200) });

/** The /invite form: missing fields re-render the page with a message rather than a 422. */
export const acceptForm = z.object({
  name: z.string().max(1000).optional(),
  password: z.string().max(1024).optional(),
  password_confirm: z.string().max(1024).optional(),
});

/** The users page's invitation forms. */
export const adminInvitationForm = z.object({
  _csrf: z.string().optional(),
  back: z.string().max(2000).optional(),
  email: z.string().max(320).optional(),
  role: z.string().max(40).optional(),
  confirm: z.string().max(10).optional(),
});
