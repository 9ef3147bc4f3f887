/** Previous/next links that keep the current filters; `params` are the query without offset. */
export function Pager({ path, params, offset, limit, total }: { path: string; params: Record<string, string>; offset: number; limit: number; total: number }) {
  const link = (to: number) => {
    const query = new URLSearchParams({ ...params, offset: String(to), limit: String(limit) });
    return `${path}?${query.toString()}`;
  };
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav class="pager" aria-label="Pages">
      {offset > 0 ? <a href={link(Math.max(0, offset - limit))}>← Previous</a> : <span class="muted">← Previous</span>}
      <span class="muted">{`${first}–${last} of ${total}` as "safe"}</span>
      {offset + limit < total ? <a href={link(offset + limit)}>Next →</a> : <span class="muted">Next →</span>}
    </nav>
  );
}
