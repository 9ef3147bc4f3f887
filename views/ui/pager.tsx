/** Previous/next links that keep the current filters; `params` are the query without offset. Nothing for an empty list. */
export function Pager({ path, params, offset, limit, total }: { path: string; params: Record<string, string>; offset: number; limit: number; total: number }) {
  const link = (to: number) => {
    const query = new URLSearchParams({ ...params, offset: String(to), limit: String(limit) });
    return `${path}?${query.toString()}`;
  };
  // Nothing to page through: the list's empty row says what to do, and no link leads nowhere.
  if (total === 0) return "";
  if (offset >= total) {
    return (
      <nav class="pager" aria-label="Pages">
        <span class="muted" safe>{`Nothing here: the list has ${total} ${total === 1 ? "entry" : "entries"}.`}</span>
        <a href={link(0)}>First page</a>
      </nav>
    );
  }
  const first = offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav class="pager" aria-label="Pages">
      {offset > 0 ? <a href={link(Math.max(0, offset - limit))}>← Previous</a> : <span class="muted">← Previous</span>}
      <span class="muted">{`${first}–${last} of ${total}` as "safe"}</span>
      {offset + limit < total ? <a href={link(offset + limit)}>Next →</a> : <span class="muted">Next →</span>}
    </nav>
  );
}
