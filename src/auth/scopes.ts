// Token scopes: what a personal access token may do, on top of what its owner's role allows.
// A session has no scopes (null: a person at the keyboard may do whatever their role allows).
// Checked by the one auth guard for the scope each route declares (src/http/auth-guard.ts).
import { BadRequest, Forbidden } from "../shared/errors";
import { TOKEN_SCOPE_NAMES, TOKEN_SCOPES, type TokenScope } from "../shared/contract";

/** The message is the contract: `this token lacks the <scope> scope`. */
export class ScopeMissing extends Forbidden {
  constructor(readonly scope: TokenScope) {
    super(`this token lacks the ${scope} scope`);
  }
}

/** True when a credential with `scopes` (null: a session) may use a route that needs `needed`. */
export function scopeAllows(scopes: readonly TokenScope[] | null, needed: TokenScope): boolean {
  return scopes === null || scopes.includes("all") || (needed !== "all" && scopes.includes(needed));
}

export function assertScope(scopes: readonly TokenScope[] | null, needed: TokenScope): void {
  if (!scopeAllows(scopes, needed)) throw new ScopeMissing(needed);
}

export function isScope(name: string): name is TokenScope {
  return Object.hasOwn(TOKEN_SCOPES, name);
}

/**
 * A create request's scopes: omitted → ["all"] (what every token could do before scopes); an
 * unknown name → 400 naming it; duplicates dropped; `all` beside others is just `all`.
 */
export function normaliseScopes(input: readonly string[] | undefined): TokenScope[] {
  if (input === undefined) return ["all"];
  if (input.length === 0) throw new BadRequest(`Give the token at least one scope: ${TOKEN_SCOPE_NAMES.join(", ")}`);
  const unknown = input.find((name) => !isScope(name));
  if (unknown !== undefined) throw new BadRequest(`Unknown scope "${unknown}": the scopes are ${TOKEN_SCOPE_NAMES.join(", ")}`);
  const picked = new Set(input as TokenScope[]);
  if (picked.has("all")) return ["all"];
  return TOKEN_SCOPE_NAMES.filter((name) => picked.has(name));
}

/** A stored allowed_cidrs column (JSON, canonical CIDRs); unreadable → a network nothing is in (fail closed). */
export function parseStoredCidrs(stored: string | null): string[] {
  try {
    const value: unknown = JSON.parse(stored ?? "[]");
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : ["0.0.0.0/32"];
  } catch {
    return ["0.0.0.0/32"];
  }
}

/** A stored scopes column (JSON) → the list; anything unreadable gives no scope at all (fail closed). */
export function parseStoredScopes(stored: string | null): TokenScope[] {
  if (stored === null) return [];
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? value.filter((v): v is TokenScope => typeof v === "string" && isScope(v)) : [];
  } catch {
    return [];
  }
}

/** May this principal do what `scope` covers (the MCP tools ask per call)? The role still applies on top. */
export function hasScope(principal: { scopes: readonly TokenScope[] | null }, scope: TokenScope): boolean {
  return scopeAllows(principal.scopes, scope);
}
