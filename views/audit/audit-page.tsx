import type { PageContext } from "../../src/shared/page-context";
import type { ReadableAuditEntry } from "../../src/shared/activity";
import { Pager } from "../ui/pager";
import { Layout } from "../ui/layout";
import { AuditEntryList } from "./audit-entry";

export type AuditPageFilter = { person: string; action: string; actor: string; target: string; from: string; to: string };
export type ActionChoice = { action: string; meaning: string };

/** Each area ("user.", "auth.", …) as a choice of its own, then every action. */
function ActionSelect({ actions, selected }: { actions: ActionChoice[]; selected: string }) {
  const areas = [...new Set(actions.map((a) => `${a.action.split(".")[0]}.`))];
  return (
    <select name="action" id="audit-action">
      <option value="">Any action</option>
      <optgroup label="Areas">
        {areas.map((area) => (
          <option value={area} selected={area === selected} safe>
            {`${area}*`}
          </option>
        ))}
      </optgroup>
      <optgroup label="Actions">
        {actions.map((a) => (
          <option value={a.action} selected={a.action === selected} safe>
            {`${a.action} — ${a.meaning}`}
          </option>
        ))}
      </optgroup>
    </select>
  );
}

function Filters({ filter, actions, exportQuery }: { filter: AuditPageFilter; actions: ActionChoice[]; exportQuery: string }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is not yet announced by every screen reader; the role is
    <form method="get" action="/admin/audit" class="row filters" role="search">
      <label>
        Person
        <input type="search" name="person" value={filter.person} placeholder="email or id" />
      </label>
      <label for="audit-action">Action</label>
      <ActionSelect actions={actions} selected={filter.action} />
      <label>
        From
        <input type="date" name="from" value={filter.from} />
      </label>
      <label>
        To
        <input type="date" name="to" value={filter.to} />
      </label>
      {filter.actor ? <input type="hidden" name="actor" value={filter.actor} /> : ""}
      {filter.target ? <input type="hidden" name="target" value={filter.target} /> : ""}
      <button type="submit" class="button">
        Filter
      </button>
      <a href="/admin/audit">Clear</a>
      <span class="export">
        Export: <a href={`/api/audit?${exportQuery}format=csv`}>CSV</a> · <a href={`/api/audit?${exportQuery}format=ndjson`}>JSON Lines</a>
      </span>
    </form>
  );
}

export type AdminAuditProps = {
  page: PageContext;
  entries: ReadableAuditEntry[];
  total: number;
  limit: number;
  offset: number;
  filter: AuditPageFilter;
  actions: ActionChoice[];
  /** The filters as the API's query (since/until), ending in "&" when not empty. */
  exportQuery: string;
};

export function AdminAuditPage(props: AdminAuditProps) {
  const { filter } = props;
  const pagerParams: Record<string, string> = {};
  for (const [key, value] of Object.entries(filter)) if (value) pagerParams[key] = value;
  const filtered = Object.values(filter).some(Boolean);
  const empty = filtered ? "No entries match these filters. Widen the time range, or:" : "Nothing has been recorded yet.";
  return (
    <Layout title="Audit trail" page={props.page} section="audit">
      <section>
        <h1>Audit trail</h1>
        <Filters filter={filter} actions={props.actions} exportQuery={props.exportQuery} />
        <AuditEntryList entries={props.entries} empty={empty} clearHref={filtered ? "/admin/audit" : undefined} />
        {props.total > 0 ? <Pager path="/admin/audit" params={pagerParams} offset={props.offset} limit={props.limit} total={props.total} /> : ""}
      </section>
    </Layout>
  );
}
