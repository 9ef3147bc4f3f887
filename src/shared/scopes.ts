// What a credential may do. Sessions may do everything; PATs and OAuth access tokens carry a list.
export const SCOPES = [
  "profile:read",
  "query",
  "sync",
  "datasets:write",
  "users:read",
  "users:write",
  "groups:write",
  "audit:read",
  "backups",
  "metrics:read",
  "all",
] as const;
export type Scope = (typeof SCOPES)[number];
