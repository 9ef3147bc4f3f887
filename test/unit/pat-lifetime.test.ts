// Token lifetime rules and states, without HTTP.
import { describe, expect, test } from "bun:test";
import type { AppContext } from "../../src/context";
import { BadRequest } from "../../src/shared/errors";
import { lifetimeFromForm, lifetimeOptions, normaliseTokenName, resolveLifetime } from "../../src/modules/tokens/service";
import { tokenState } from "../../src/shared/contract";

const ctxWith = (patMaxDays: number | null) => ({ config: { patMaxDays } }) as unknown as AppContext;

describe("resolveLifetime", () => {
  test("no limit: absent → 90, null → never, 1..36500 kept", () => {
    const ctx = ctxWith(null);
    expect(resolveLifetime(ctx, undefined)).toBe(90);
    expect(resolveLifetime(ctx, null)).toBeNull();
    expect(resolveLifetime(ctx, 1)).toBe(1);
    expect(resolveLifetime(ctx, 36_500)).toBe(36_500);
  });

  test.each([0, -1, 1.5, 36_501, 1e9, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY])("%p → 400", (days) => {
    expect(() => resolveLifetime(ctxWith(null), days)).toThrow(BadRequest);
  });

  test("PAT_MAX_DAYS: null and longer refused naming the limit; the default is capped", () => {
    const ctx = ctxWith(30);
    expect(() => resolveLifetime(ctx, null)).toThrow(/30 days/);
    expect(() => resolveLifetime(ctx, 31)).toThrow(/30 days/);
    expect(resolveLifetime(ctx, 30)).toBe(30);
    expect(resolveLifetime(ctx, undefined)).toBe(30);
    expect(resolveLifetime(ctxWith(365), undefined)).toBe(90);
  });
});

describe("the profile's lifetime select", () => {
  test("offers 7/30/90/365 and never without a limit, 90 selected", () => {
    expect(lifetimeOptions(ctxWith(null)).map((o) => [o.value, o.selected])).toEqual([
      ["7", false],
      ["30", false],
      ["90", true],
      ["365", false],
      ["never", false],
    ]);
  });

  test("hides what PAT_MAX_DAYS forbids and offers the limit itself", () => {
    expect(lifetimeOptions(ctxWith(60)).map((o) => o.value)).toEqual(["7", "30", "60"]);
    expect(lifetimeOptions(ctxWith(365)).map((o) => o.value)).toEqual(["7", "30", "90", "365"]);
  });

  test("form values", () => {
    expect(lifetimeFromForm(undefined)).toBeUndefined();
    expect(lifetimeFromForm("never")).toBeNull();
    expect(lifetimeFromForm("30")).toBe(30);
    for (const bad of ["-1", "1.5", "30d", "1e3", "9999999999"]) expect(() => lifetimeFromForm(bad)).toThrow(BadRequest);
  });
});

describe("names and states", () => {
  test("names are trimmed; empty and over 100 characters refused", () => {
    expect(normaliseTokenName("  ci  ")).toBe("ci");
    expect(() => normaliseTokenName(" \t ")).toThrow(BadRequest);
    expect(() => normaliseTokenName("x".repeat(101))).toThrow(BadRequest);
  });

  test("revoked wins over expired; null expiry never expires", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect(tokenState({ revoked_at: null, expires_at: null }, now)).toBe("active");
    expect(tokenState({ revoked_at: null, expires_at: "2030-01-01T00:00:00.000Z" }, now)).toBe("expired");
    expect(tokenState({ revoked_at: null, expires_at: "2030-01-01T00:00:00.001Z" }, now)).toBe("active");
    expect(tokenState({ revoked_at: "2029-01-01T00:00:00.000Z", expires_at: "2029-06-01T00:00:00.000Z" }, now)).toBe("revoked");
  });
});
