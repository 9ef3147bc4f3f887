import type { DatasetInfo } from "../../src/shared/contract";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function DatasetRow({ dataset, readers }: { dataset: DatasetInfo; readers: string[] | undefined }) {
  return (
    <tr>
      <td class="mono" safe>
        {dataset.name}
      </td>
      <td safe>{String(dataset.rows)}</td>
      <td safe>{String(dataset.columns.length)}</td>
      <td safe>{size(dataset.size_bytes)}</td>
      <td>
        <Time at={dataset.updated_at} />
      </td>
      <td safe>{dataset.uploaded_by ?? ""}</td>
      <td>
        <span safe>{(readers ?? []).join(", ") || "admins only"}</span>{" "}
        <a class="button" href={`/admin/datasets/${encodeURIComponent(dataset.name)}/grants`}>
          Grants
        </a>
      </td>
      <td class="actions">
        <a class="button danger" href={`/admin/datasets/${encodeURIComponent(dataset.name)}/delete`}>
          Delete
        </a>
      </td>
    </tr>
  );
}

/** /admin/datasets: every dataset, an upload form (works without JavaScript), delete (with a confirm step). */
/** `readers`: by dataset, the names of the groups it is granted to (admins read every dataset). */
export function DatasetsAdminPage({
  page,
  datasets,
  maxMb,
  readers = {},
}: {
  page: PageContext;
  datasets: DatasetInfo[];
  maxMb: number;
  readers?: Record<string, string[]>;
}) {
  return (
    <Layout title="Datasets" page={page} section="datasets">
      <section class="card">
        <h1>Datasets</h1>
        <Table columns={["Name", "Rows", "Columns", "Size", "Updated", "By", "Readable by", ""]}>
          {datasets.length === 0 ? (
            <EmptyRow columns={8} text="No datasets yet: upload a CSV or Parquet file below." />
          ) : (
            datasets.map((dataset) => <DatasetRow dataset={dataset} readers={readers[dataset.name]} />)
          )}
        </Table>
        <h2>Upload or replace</h2>
        <p safe>{`A CSV or Parquet file of up to ${maxMb} MB (DATASET_MAX_MB), streamed to the server's disk.`}</p>
        {/* The file input stays last: the server reads the fields before it streams the file. */}
        <form method="post" action="/admin/datasets/upload" enctype="multipart/form-data">
          <CsrfField token={page.csrf} />
          <label for="name">Name (a-z, 0-9 and _, starting with a letter)</label>
          <input id="name" name="name" required pattern="[a-z][a-z0-9_]{0,62}" />
          <label>
            <input type="checkbox" name="replace" value="yes" /> Replace the dataset of that name
          </label>
          <label>
            File
            <input type="file" name="file" accept=".csv,.parquet,text/csv" required />
          </label>
          <button type="submit" class="button primary">
            Upload
          </button>
        </form>
        <p class="muted">From a terminal: da admin datasets load sales.csv --name sales [--replace]</p>
      </section>
    </Layout>
  );
}
