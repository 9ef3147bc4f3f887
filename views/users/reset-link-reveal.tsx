import { LinkReveal } from "../ui/link-reveal";
import { InvitationReveal } from "../invitations/invitations-section";

/**
 * A link shown once after "Reset link" (or an invitation's "Invite"/"Send again") was pressed, and
 * whom it was emailed to (null: not emailed).
 */
export type RevealedResetLink = { url: string; emailedTo: string | null; kind?: "reset" | "invitation" };

export function ResetLinkReveal({ link }: { link: RevealedResetLink }) {
  if (link.kind === "invitation") return <InvitationReveal link={link} />;
  return (
    <LinkReveal url={link.url} codeClass="reset-link">
      {link.emailedTo ? (
        <p>
          <strong>
            Reset link emailed to <span safe>{link.emailedTo}</span>.
          </strong>{" "}
          It works once, for 24 hours. It is also shown here, only this once, in case the email does not arrive.
        </p>
      ) : (
        <p>
          <strong>Copy this reset link now</strong> — it is shown only once and works once, for 24 hours. It was not emailed: pass it to the user yourself.
        </p>
      )}
    </LinkReveal>
  );
}
