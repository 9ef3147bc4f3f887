import type { BackupInfo } from "../../src/shared/contract";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";

export type LastBackup = { at: Date; ok: boolean; durationMs: number; name: string | null } | null;
type Props = {
  page: PageContext;
  backups: BackupInfo[];
  last: LastBackup;
  config: { everyHours: number; keep: number };
};

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function BackupRow({ backup }: { backup: BackupInfo }) {
  const base = `/admin/backups/${encodeURIComponent(backup.name)}`;
  return (
    <tr>
      <td class="mono" safe>
        {backup.name}
      </td>
      <td>
        <Time at={backup.created_at} />
      </td>
      <td safe>{size(backup.size)}</td>
      <td class="actions">
        <a class="button" href={`${base}/download`}>
          Download
        </a>{" "}
        <a class="button danger" href={`${base}/delete`}>
          Delete
        </a>
      </td>
    </tr>
  );
}

function Schedule({ config, last }: { config: Props["config"]; last: LastBackup }) {
  const every =
    config.everyHours === 0
      ? "Scheduled backups are off (BACKUP_EVERY_HOURS=0)."
      : `A backup every ${config.everyHours} h; the newest ${config.keep} are kept.`;
  return (
    <p class="muted">
      <span safe>{every}</span> <span>Stored in BACKUP_DIR on the server.</span>{" "}
      {last ? <span safe>{`Last backup ${last.ok ? "succeeded" : "FAILED"} (${last.durationMs} ms).`}</span> : ""}
    </p>
  );
}

/** /admin/backups: create a backup now, download or delete one. Restoring is done on the host (see README). */
export function BackupsPage({ page, backups, last, config }: Props) {
  return (
    <Layout title="Backups" page={page} section="backups">
      <section class="card">
        <h1>Backups</h1>
        <Schedule config={config} last={last} />
        <form method="post" action="/admin/backups" class="row">
          <CsrfField token={page.csrf} />
          <button type="submit" class="button primary">
            Back up now
          </button>
        </form>
        <Table columns={["File", "Created", "Size", ""]}>
          {backups.length === 0 ? <EmptyRow columns={4} text="No backups yet." /> : backups.map((backup) => <BackupRow backup={backup} />)}
        </Table>
        <p class="muted">
          To restore, stop the server and run <code>bun src/server.ts restore FILE</code> on the host.
        </p>
      </section>
    </Layout>
  );
}
