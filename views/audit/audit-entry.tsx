import type { ReadableAuditEntry } from "../../src/shared/activity";
import { FactList } from "../ui/facts";
import { Time } from "../ui/time";

/** The entry's raw facts (ids, address, parameters), folded away under its sentence. */
function Facts({ entry }: { entry: ReadableAuditEntry }) {
  const facts: [string, string | null][] = [
    ["Action", entry.action],
    ["Actor", entry.actor_id ? `${entry.actor_email ?? ""} (${entry.actor_id})` : null],
    ["Target", entry.target],
    ["Address", entry.ip],
    ["Token", entry.token_id],
    ...Object.entries(entry.params).map(([key, value]): [string, string] => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  ];
  return <FactList facts={facts.filter((fact): fact is [string, string] => fact[1] !== null && fact[1] !== "")} />;
}

/** One audit entry as a sentence with its time; the ids are in the title and the details. */
export function AuditEntryItem({ entry }: { entry: ReadableAuditEntry }) {
  const title = [entry.actor_id && `actor ${entry.actor_id}`, entry.target && `target ${entry.target}`].filter(Boolean).join(" · ");
  return (
    <li class="audit-entry" data-action={entry.action}>
      <Time at={entry.created_at} />{" "}
      <span class="sentence" title={title} safe>
        {entry.sentence}
      </span>
      <details>
        <summary>Details</summary>
        <Facts entry={entry} />
      </details>
    </li>
  );
}

/**
 * A short list of entries (a person's page, the dashboard); `empty` says what an empty one means,
 * `clearHref` (a filtered list) links to the unfiltered one.
 */
export function AuditEntryList({ entries, empty, clearHref }: { entries: ReadableAuditEntry[]; empty: string; clearHref?: string }) {
  if (entries.length === 0)
    return (
      <p class="muted empty-state">
        <span safe>{empty}</span>
        {clearHref ? (
          <>
            {" "}
            <a href={clearHref}>Clear the filters</a>
          </>
        ) : (
          ""
        )}
      </p>
    );
  return (
    <ul class="audit-list">
      {entries.map((entry) => (
        <AuditEntryItem entry={entry} />
      ))}
    </ul>
  );
}
