// Shapes of the readable audit trail and the dashboard's numbers, shared by the server and the
// pages (kept beside contract.ts, which holds the rest of the HTTP contract).
import type { AuditEntry } from "./contract";

/** An entry as the pages and exports show it: who and whom by name, and one sentence. */
export type ReadableAuditEntry = AuditEntry & { actor_label: string; target_label: string | null; sentence: string };

/** One UTC day of `GET /api/stats/activity` (the admin dashboard's charts). */
export type ActivityDay = { day: string; sign_ins: number; sign_in_failures: number; active_tokens: number; queries: number };
/** `GET /api/stats/activity?days=14|30`: oldest day first, today last. */
export type ActivityStats = { days: number; series: ActivityDay[] };
