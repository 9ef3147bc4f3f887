/** The profile's pointer to /profile/two-factor (a section of its own, so the profile page stays as it is). */
export function TwoFactorLinkSection() {
  return (
    <section class="card" id="two-factor">
      <h2>Two-factor sign-in</h2>
      <p>
        An authenticator app, recovery codes and passkeys: <a href="/profile/two-factor">manage two-factor sign-in</a>.
      </p>
    </section>
  );
}
