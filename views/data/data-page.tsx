import type { DatasetInfo, QueryAnswer } from "../../src/shared/contract";
import type { PageContext } from "../../src/shared/page-context";
import { ErrorAlert } from "../ui/alert";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";

type Props = {
  page: PageContext;
  datasets: DatasetInfo[];
  sql: string;
  answer: QueryAnswer | null;
  error: string | null;
};

/** A cell as text: null stays empty, lists and structs as JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function DatasetRow({ dataset }: { dataset: DatasetInfo }) {
  return (
    <tr>
      <td class="mono" safe>
        {dataset.name}
      </td>
      <td safe>{String(dataset.rows)}</td>
      <td class="mono" safe>
        {dataset.columns.map((c) => `${c.name} ${c.type}`).join(", ")}
      </td>
      <td>
        <Time at={dataset.updated_at} />
      </td>
    </tr>
  );
}

function Results({ answer, sql, csrf }: { answer: QueryAnswer; sql: string; csrf: string }) {
  return (
    <section class="card">
      <h2>Result</h2>
      <p class="muted" safe>
        {`${answer.row_count} rows in ${answer.elapsed_ms} ms${answer.truncated ? " (the first ones only; use da query or the CSV download for more)" : ""}.`}
      </p>
      <form method="post" action="/data/result.csv" class="row">
        <CsrfField token={csrf} />
        <input type="hidden" name="sql" value={sql} />
        <button type="submit" class="button">
          Download CSV
        </button>
      </form>
      <Table columns={answer.columns}>
        {answer.rows.length === 0 ? (
          <EmptyRow columns={Math.max(1, answer.columns.length)} text="No rows." />
        ) : (
          answer.rows.map((row) => (
            <tr>
              {row.map((value) => (
                <td safe>{cellText(value)}</td>
              ))}
            </tr>
          ))
        )}
      </Table>
    </section>
  );
}

/** /data: the datasets the viewer may read, and a query box that works without JavaScript. */
export function DataPage({ page, datasets, sql, answer, error }: Props) {
  return (
    <Layout title="Data" page={page} section="data">
      <>
        <section class="card">
          <h1>Data</h1>
          <Table columns={["Dataset", "Rows", "Columns", "Updated"]}>
            {datasets.length === 0 ? <EmptyRow columns={4} text="No datasets yet." /> : datasets.map((dataset) => <DatasetRow dataset={dataset} />)}
          </Table>
        </section>
        <section class="card">
          <h2>Query</h2>
          <ErrorAlert message={error} />
          <form method="post" action="/data">
            <CsrfField token={page.csrf} />
            <label for="sql">One SELECT over the datasets above (each is a table of that name)</label>
            <textarea id="sql" name="sql" rows="6" class="mono" required safe>
              {sql}
            </textarea>
            <button type="submit" class="button primary">
              Run
            </button>
          </form>
        </section>
        {answer ? <Results answer={answer} sql={sql} csrf={page.csrf} /> : ""}
      </>
    </Layout>
  );
}
