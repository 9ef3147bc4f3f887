// The one confirmation step's form (views/ui/confirm-page.tsx posts it): a destructive action runs
// only when `confirm=yes` arrives with the CSRF field, so it works without JavaScript.
import { z } from "zod";

export const confirmForm = z.object({
  _csrf: z.string().optional(),
  confirm: z.string().max(10).optional(),
});
