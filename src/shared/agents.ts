// What the server, `da` and the pages share about the credentials that are not a person at a
// keyboard: service accounts (CI, agents) and the apps people connect through OAuth (MCP clients).
import type { Role } from "./contract";

/** GET/POST /api/service-accounts, PATCH/DELETE /api/service-accounts/{id}. `created_by`: the admin's id. */
export type ServiceAccount = {
  id: string;
  name: string;
  description: string;
  role: Role;
  /** The groups it is a member of (names), Everyone included while it is active. */
  groups: string[];
  active: boolean;
  created_by: string | null;
  created_at: string;
  /** Tokens that still work (not revoked, not expired). */
  token_count: number;
};

/** GET /auth/oauth/grants: an app a person connected through OAuth (an MCP client), one per authorization. */
export type ConnectedApp = {
  id: string;
  client_id: string;
  client_name: string;
  /** Where the app's redirect URIs point (host, or `scheme://` for a desktop app). */
  redirect_hosts: string[];
  scopes: string[];
  resource: string;
  created_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  user_id: string;
  user_email: string | null;
};
