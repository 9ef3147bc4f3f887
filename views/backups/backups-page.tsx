import type { BackupInfo } from "../../src/shared/contract";
import type { PageContext } from "../../src/shared/page-context";
import { CsrfField } from "../ui/csrf-field";
import { Layout } from "../ui/layout";
import { Cell, EmptyRow, Table } from "../ui/table";
import { Time } from "../ui/time";

export type LastBackup = { at: Date; ok: boolean; durationMs: number; name: string | null } | null;
type Props = {
  page: PageContext;
  backups: BackupInfo[];
  last: LastBackup;
  now: Date;
  /** `dir`: where the server writes them (BACKUP_DIR, else under DATA_DIR). */
  config: { everyHours: number; keep: number; dir: string };
};

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function BackupRow({ backup, now }: { backup: BackupInfo; now: Date }) {
  const base = `/admin/backups/${encodeURIComponent(backup.name)}`;
  return (
    <tr>
      <Cell label="File" class="mono">
        <span safe>{backup.name}</span>
      </Cell>
      <Cell label="Created">
        <Time at={backup.created_at} now={now} />
      </Cell>
      <Cell label="Size">
        <span safe>{size(backup.size)}</span>
      </Cell>
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
      <span safe>{every}</span> Stored on the server in <code safe>{config.dir}</code> (BACKUP_DIR).{" "}
      {last ? <span safe>{`Last backup ${last.ok ? "succeeded" : "FAILED"} (${last.durationMs} ms).`}</span> : ""}
    </p>
  );
}

/** /admin/backups: create a backup now, download or delete one. Restoring is done on the host (see README). */
export function BackupsPage({ page, backups, last, config, now }: Props) {
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
        <Table columns={["File", "Created", "Size", ""]} stack label="Backups">
          {backups.length === 0 ? (
            <EmptyRow columns={4} text="No backups yet: press “Back up now”, or wait for the schedule." />
          ) : (
            backups.map((backup) => <BackupRow backup={backup} now={now} />)
          )}
        </Table>
        <p class="muted">
          To restore, stop the server and run <code>bun src/server.ts restore FILE</code> on the host.
        </p>
      </section>
    </Layout>
  );
}
