/** Terms and values as a definition list (values wrap anywhere: ids, emails); nothing when empty. */
export function FactList({ facts }: { facts: [string, string][] }) {
  if (facts.length === 0) return "";
  return (
    <dl class="facts">
      {facts.map(([term, value]) => (
        <>
          <dt safe>{term}</dt>
          <dd class="wrap" safe>
            {value}
          </dd>
        </>
      ))}
    </dl>
  );
}
