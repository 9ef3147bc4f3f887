import { CsrfField } from "../ui/csrf-field";

/** On /admin/users: remove a person's second factors (they lost them); their sessions end. */
export function SecondFactorResetForm({ base, csrf, back, email }: { base: string; csrf: string; back: string; email: string }) {
  return (
    <form method="post" action={`${base}/second-factor/reset`} class="inline">
      <CsrfField token={csrf} />
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="button small" aria-label={`Reset the second factor of ${email}`}>
        Reset 2FA
      </button>
    </form>
  );
}
