// Request schemas for /api/service-accounts. Shape violations → 422; the rules (empty name, unknown
// role, unknown scope, lifetimes) are checked in the services and answered 400.
import { z } from "zod";
import { createTokenBody } from "../tokens/token-form";

export const createServiceAccountBody = z.object({
  name: z.string({ message: "name must be a string" }).max(1000),
  description: z.string().max(5000).optional(),
  role: z.string().max(40).optional(),
});

export const updateServiceAccountBody = z.object({
  name: z.string().max(1000).optional(),
  description: z.string().max(5000).optional(),
  role: z.string().max(40).optional(),
  active: z.boolean().optional(),
});

/** The same body as POST /auth/tokens. */
export const createServiceTokenBody = createTokenBody;

export const serviceAccountParams = z.object({ id: z.string().max(100) });
export const serviceTokenParams = z.object({ id: z.string().max(100), token_id: z.string().max(100) });
