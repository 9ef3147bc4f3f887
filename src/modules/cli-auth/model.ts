import { z } from "zod";

// Loose on purpose: every field is checked by the service, which answers with a message a person
// can act on (the authorize page is read in a browser, not by a program).
const field = (max: number) => z.string().max(max).optional();

export const authorizeQuery = z.object({
  port: field(20),
  state: field(200),
  code_challenge: field(200),
  code_challenge_method: field(20),
  client: field(200),
});

export const authorizeForm = authorizeQuery.extend({ _csrf: field(200), decision: field(20) });

export const cliTokenBody = z.object({ code: z.string().max(200), code_verifier: z.string().max(200) });

export const deviceCodeBody = z.object({ client_name: field(200) });

export const deviceTokenBody = z.object({ device_code: z.string().max(200) });

export const deviceQuery = z.object({ user_code: field(50) });

export const deviceForm = z.object({ _csrf: field(200), user_code: field(50), decision: field(20) });
