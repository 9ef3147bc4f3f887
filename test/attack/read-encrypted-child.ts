// Run as a child by test/attack/restore-age-header.test.ts: reads one (age-encrypted) archive with the
// real reader and the identity given, and prints the outcome and how much peak memory grew.
import { readBackupArchive } from "../../src/ops/backup-reader";

const before = process.resourceUsage().maxRSS;
let outcome: string;
try {
  await readBackupArchive(process.argv[2]!, undefined, process.argv[3]!);
  outcome = "accepted";
} catch (error) {
  outcome = error instanceof Error ? error.message : String(error);
}
console.log(JSON.stringify({ outcome, growthMb: Math.round((process.resourceUsage().maxRSS - before) / 1024) }));
