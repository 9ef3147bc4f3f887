import type { AdminToken, Token } from "../../src/shared/contract";
import type { PageContext } from "../../src/shared/page-context";
import { ConfirmPage } from "../ui/confirm-page";

type Props = { page: PageContext; scope: "own"; token: Token } | { page: PageContext; scope: "admin"; token: AdminToken };

/** The confirmation step before revoking a token: your own (from the profile) or anyone's (admin). */
export function TokenRevokePage(props: Props) {
  const { page, token } = props;
  const details: [string, string][] = [
    ["Name", token.name],
    ["Prefix", token.prefix],
  ];
  if (props.scope === "admin") details.push(["Owner", props.token.user_email || props.token.user_id]);
  const basePath = props.scope === "admin" ? "/admin/tokens" : "/profile/tokens";
  return (
    <ConfirmPage
      page={page}
      title="Revoke token"
      question="Anything using this token (the CLI, a CI job, a script) will get 401 from its next request. This cannot be undone."
      details={details}
      action={`${basePath}/${encodeURIComponent(token.id)}/revoke`}
      confirmLabel="Revoke token"
      cancelHref={props.scope === "admin" ? "/admin/tokens" : "/profile#tokens"}
      section={props.scope === "admin" ? "tokens" : "profile"}
    />
  );
}
