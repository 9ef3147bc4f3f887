// "Sign in with <label>": one plain link per provider (a GET that starts the redirect), so it works
// without JavaScript. `next` is already checked (safeNextPath) by the page's route.
export type ProviderButton = { id: string; label: string };

export function ProviderButtons({ providers, next }: { providers: ProviderButton[]; next: string }) {
  if (providers.length === 0) return "";
  return (
    <div class="stack sso-buttons">
      {providers.map((p) => (
        <a class="button sso" href={`/auth/oidc/${encodeURIComponent(p.id)}/start?next=${encodeURIComponent(next)}`} safe>
          {`Sign in with ${p.label}`}
        </a>
      ))}
    </div>
  );
}
