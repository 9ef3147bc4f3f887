import { expect, test } from "bun:test";
import { authEffects, type AuthEffect } from "../../src/auth/auth-effects";
import type { Transaction } from "../../src/db/database";
import { AuthState } from "../../src/auth/auth-state";

const user = { id: "u1", email: "a@example.com", name: "", role: "analyst" as const, active: true };

/** Effects as a committed transaction would hand them over (a stand-in transaction that only collects). */
function effects(register: (e: ReturnType<typeof authEffects>) => void): AuthEffect[] {
  const collected: AuthEffect[] = [];
  const tx = { onCommit: (effect: AuthEffect) => collected.push(effect) } as unknown as Transaction;
  register(authEffects(tx));
  return collected;
}

test("removing a user and what let them in forgets their sessions and tokens", () => {
  const { state, apply } = AuthState.load({
    users: [user],
    sessions: [{ id: "s1", userId: "u1", expiresAt: new Date(Date.now() + 60_000), kind: "browser" as const }],
    tokens: [{ id: "t1", userId: "u1", tokenHash: "h1", expiresAt: null, scopes: ["all"], allowedCidrs: [] }],
  });
  apply(effects((e) => (e.endSessionsOf("u1", null), e.removeTokensOf("u1"), e.removeUser("u1"))));
  expect(state.user("u1")).toBeUndefined();
  expect(state.session("s1")).toBeUndefined();
  expect(state.tokenByHash("h1")).toBeUndefined();
});

test("ending all sessions but one keeps that one", () => {
  const later = new Date(Date.now() + 60_000);
  const { state, apply } = AuthState.load({
    users: [user],
    sessions: ["a", "b", "c"].map((id) => ({ id, userId: "u1", expiresAt: later, kind: "browser" as const })),
    tokens: [],
  });
  apply(effects((e) => e.endSessionsOf("u1", "b")));
  expect(["a", "b", "c"].map((id) => Boolean(state.session(id)))).toEqual([false, true, false]);
});

test("a revoked token no longer resolves by its hash", () => {
  const { state, apply } = AuthState.load({
    users: [user],
    sessions: [],
    tokens: [{ id: "t1", userId: "u1", tokenHash: "h1", expiresAt: null, scopes: ["all"], allowedCidrs: [] }],
  });
  apply(effects((e) => e.revokeToken("t1")));
  expect(state.tokenByHash("h1")).toBeUndefined();
  expect(state.snapshot(new Date()).tokens).toEqual([]);
});

test("pruning drops only what expired", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const { state } = AuthState.load({
    users: [user],
    sessions: [
      { id: "old", userId: "u1", expiresAt: new Date("2025-12-31T00:00:00Z"), kind: "browser" as const },
      { id: "new", userId: "u1", expiresAt: new Date("2026-01-02T00:00:00Z"), kind: "browser" as const },
    ],
    tokens: [
      { id: "t-old", userId: "u1", tokenHash: "h-old", expiresAt: new Date("2025-12-31T00:00:00Z"), scopes: ["all"], allowedCidrs: [] },
      { id: "t-never", userId: "u1", tokenHash: "h-never", expiresAt: null, scopes: ["all"], allowedCidrs: [] },
    ],
  });
  state.pruneExpired(now);
  expect(state.session("old")).toBeUndefined();
  expect(state.session("new")).toBeDefined();
  expect(state.tokenByHash("h-old")).toBeUndefined();
  expect(state.tokenByHash("h-never")).toBeDefined();
});
