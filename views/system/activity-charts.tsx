import type { ActivityDay, ActivityStats, ReadableAuditEntry } from "../../src/shared/activity";
import { AuditEntryList } from "../audit/audit-entry";

type Part = { key: "sign_ins" | "sign_in_failures" | "active_tokens" | "queries"; label: string; cls: string };
type Chart = { id: string; title: string; parts: Part[] };

const CHARTS: Chart[] = [
  {
    id: "sign-ins",
    title: "Sign-ins per day",
    parts: [
      { key: "sign_ins", label: "succeeded", cls: "ok" },
      { key: "sign_in_failures", label: "failed", cls: "fail" },
    ],
  },
  { id: "tokens", title: "Working tokens at the end of each day", parts: [{ key: "active_tokens", label: "tokens", cls: "bar" }] },
  { id: "queries", title: "Queries per day", parts: [{ key: "queries", label: "queries", cls: "bar" }] },
];

const BAR = 10;
const GAP = 3;
const HEIGHT = 60;

/** One day's stacked bar: each part a rect carrying its day and value (tests read them back). */
function Bar({ day, index, parts, max }: { day: ActivityDay; index: number; parts: Part[]; max: number }) {
  let top = HEIGHT;
  return (
    <g>
      {parts.map((part) => {
        const value = day[part.key];
        const height = max === 0 ? 0 : (value / max) * HEIGHT;
        top -= height;
        return (
          <rect
            class={part.cls}
            x={String(index * (BAR + GAP))}
            y={String(top)}
            width={String(BAR)}
            height={String(height)}
            data-day={day.day}
            data-series={part.key}
            data-value={String(value)}
          >
            <title safe>{`${day.day}: ${value} ${part.label}`}</title>
          </rect>
        );
      })}
    </g>
  );
}

/** The same numbers as text, for screen readers and for copying. */
function Numbers({ chart, series }: { chart: Chart; series: ActivityDay[] }) {
  return (
    <details>
      <summary>The numbers</summary>
      <table class="numbers">
        <thead>
          <tr>
            <th>Day</th>
            {chart.parts.map((p) => (
              <th safe>{p.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {series.map((day) => (
            <tr>
              <td safe>{day.day}</td>
              {chart.parts.map((p) => (
                <td>{String(day[p.key]) as "safe"}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function ChartCard({ chart, stats }: { chart: Chart; stats: ActivityStats }) {
  const max = Math.max(0, ...stats.series.map((d) => chart.parts.reduce((sum, p) => sum + d[p.key], 0)));
  const totals = chart.parts.map((p) => `${stats.series.reduce((sum, d) => sum + d[p.key], 0)} ${p.label}`).join(", ");
  const width = stats.series.length * (BAR + GAP);
  const isCount = chart.id !== "tokens";
  return (
    <section class="card chart-card" id={`chart-${chart.id}`}>
      <h3 safe>{chart.title}</h3>
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${HEIGHT}`}
        width={String(width * 2)}
        height={String(HEIGHT * 2)}
        role="img"
        aria-labelledby={`chart-${chart.id}-label`}
      >
        <title id={`chart-${chart.id}-label`} safe>
          {isCount
            ? `${chart.title}, last ${stats.days} days: ${totals}`
            : `${chart.title}, last ${stats.days} days; today ${stats.series.at(-1)?.active_tokens ?? 0}`}
        </title>
        {stats.series.map((day, index) => (
          <Bar day={day} index={index} parts={chart.parts} max={max} />
        ))}
      </svg>
      <p class="muted" safe>
        {isCount ? `${totals} in ${stats.days} days` : `${stats.series.at(-1)?.active_tokens ?? 0} working today`}
      </p>
      <Numbers chart={chart} series={stats.series} />
    </section>
  );
}

/** The admin's charts: the last 14 or 30 days, drawn on the server (no script), the numbers beside. */
export function ActivityCharts({ stats }: { stats: ActivityStats }) {
  return (
    <section class="activity" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity</h2>
      <p class="tabs">
        {[14, 30].map((days) => (
          <a href={`/dashboard?days=${days}`} class={days === stats.days ? "active" : undefined} aria-current={days === stats.days ? "page" : undefined}>
            {`Last ${days} days` as "safe"}
          </a>
        ))}{" "}
        <a href={`/api/stats/activity?days=${stats.days}`}>JSON</a>
      </p>
      <div class="charts">
        {CHARTS.map((chart) => (
          <ChartCard chart={chart} stats={stats} />
        ))}
      </div>
    </section>
  );
}

/** Everyone's own recent activity, as audit sentences. */
export function OwnActivity({ entries }: { entries: ReadableAuditEntry[] }) {
  return (
    <section class="card" aria-labelledby="own-activity">
      <h2 id="own-activity">Your recent activity</h2>
      <AuditEntryList entries={entries} empty="Nothing yet. Sign-ins, tokens you create and queries you run show up here." />
    </section>
  );
}
