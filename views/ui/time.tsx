const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 days ago", "in 5 days", "just now": the largest whole unit between `at` and `now`. */
export function relativeTime(at: Date, now: Date): string {
  const diff = at.getTime() - now.getTime();
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.trunc(diff / ms), unit);
  }
  return "just now";
}

const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * A UTC timestamp; "—" when absent. With `now` it reads "3 days ago" and the exact UTC time is in the
 * tooltip and in `datetime`; without, it shows the UTC time to the minute. It never breaks across lines.
 */
export function Time({ at, now, empty = "—" }: { at: Date | string | null | undefined; now?: Date; empty?: string }) {
  if (!at) return <span class="muted">{empty as "safe"}</span>;
  const iso = typeof at === "string" ? at : at.toISOString();
  return (
    <time datetime={iso} title={now ? utcMinute(iso) : iso}>
      {(now ? relativeTime(new Date(iso), now) : utcMinute(iso)) as "safe"}
    </time>
  );
}
