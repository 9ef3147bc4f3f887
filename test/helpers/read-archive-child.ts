// Run as a child process by the restore tests: reads one archive with the real reader and prints
// what happened and how much the process's peak memory grew, so a test can bound it.
import { readBackupArchive } from "../../src/ops/backup-reader";

const before = process.resourceUsage().maxRSS;
let outcome: string;
try {
  await readBackupArchive(process.argv[2]!);
  outcome = "accepted";
} catch (error) {
  outcome = error instanceof Error ? error.message : String(error);
}
const growthKb = process.resourceUsage().maxRSS - before;
console.log(JSON.stringify({ outcome, growthMb: Math.round(growthKb / 1024) }));
