import type { PageContext } from "../../src/shared/page-context";
import type { AuditEntry } from "../../src/shared/contract";
import { Pager } from "../ui/pager";
import { Time } from "../ui/time";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";

const COLUMNS = ["When", "Actor", "Action", "Target", "Details", "IP"];

type Filter = { actor?: string; action?: string; target?: string };

function Params({ params }: { params: Record<string, unknown> }) {
  const keys = Object.keys(params);
  if (keys.length === 0) return <span class="muted">—</span>;
  return (
    <code class="params" safe>
      {JSON.stringify(params)}
    </code>
  );
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr>
      <td>
        <Time at={entry.created_at} />
      </td>
      <td safe>{entry.actor_email ?? "—"}</td>
      <td>
        <code safe>{entry.action}</code>
      </td>
      <td>
        {entry.target ? (
          <a class="mono" href={`/admin/audit?target=${encodeURIComponent(entry.target)}`} safe>
            {entry.target}
          </a>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td>
        <Params params={entry.params} />
      </td>
      <td class="mono" safe>
        {entry.ip ?? ""}
      </td>
    </tr>
  );
}

export function AdminAuditPage(props: { page: PageContext; entries: AuditEntry[]; total: number; limit: number; offset: number; filter: Filter }) {
  const { filter } = props;
  const pagerParams: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) if (value) pagerParams[key] = value;
  return (
    <Layout title="Audit trail" page={props.page} section="audit">
      <section>
        <h1>Audit trail</h1>
        {/* biome-ignore lint/a11y/useSemanticElements: <search> is not yet announced by every screen reader; the role is */}
        <form method="get" action="/admin/audit" class="row filters" role="search">
          <label>
            Actor
            <input type="search" name="actor" value={filter.actor ?? ""} placeholder="email or id" />
          </label>
          <label>
            Action
            <input type="search" name="action" value={filter.action ?? ""} placeholder="user.delete or user." />
          </label>
          <label>
            Target
            <input type="search" name="target" value={filter.target ?? ""} placeholder="user or token id" />
          </label>
          <button type="submit" class="button">
            Filter
          </button>
          <a href="/admin/audit">Clear</a>
        </form>
        <Table columns={COLUMNS} class="audit">
          {props.entries.length === 0 ? (
            <EmptyRow columns={COLUMNS.length} text="No entries match these filters. Try another action or a wider time range." clearHref="/admin/audit" />
          ) : (
            props.entries.map((entry) => <EntryRow entry={entry} />)
          )}
        </Table>
        <Pager path="/admin/audit" params={pagerParams} offset={props.offset} limit={props.limit} total={props.total} />
      </section>
    </Layout>
  );
}
