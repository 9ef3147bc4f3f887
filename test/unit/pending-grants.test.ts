// The pending-grant store's fairness: device grants are capped per address and per network, the
// counts follow expiry and removal exactly (a model-based test), and filling the store does not
// scan it (the finding: 40,000 grants took 34 s because every new grant counted all the others).
import { expect, test } from "bun:test";
import fc from "fast-check";
import { FakeClock } from "../../src/clock";
import { DEVICE_GRANT_CAPS, DEVICE_GRANT_TTL_MS, PendingGrants } from "../../src/modules/cli-auth/pending-grants";
import { networksOf } from "../../src/modules/cli-auth/networks";

function store() {
  const clock = new FakeClock();
  const grants = new PendingGrants(clock);
  let n = 0;
  const add = (ip: string | null) => {
    n++;
    return grants.addDevice(`device-${n}`, `CODE${n}`, {
      client: "x",
      ip,
      expiresAt: grants.now() + DEVICE_GRANT_TTL_MS,
      intervalS: 5,
      lastPollAt: null,
      status: "pending",
      userId: null,
    });
  };
  return { clock, grants, add, count: () => n };
}

test("an IPv6 /64 or an IPv4 /24 cannot hold more than its network's share, whatever its addresses", () => {
  const v6 = store();
  for (let i = 0; i < DEVICE_GRANT_CAPS.network; i++) expect(v6.add(`2001:db8:1:2::${(i + 1).toString(16)}`)).toBe(true);
  expect(() => v6.add("2001:db8:1:2:ffff::1")).toThrow("Too many device sign-ins");
  expect(v6.add("2001:db8:1:3::1")).toBe(true); // the next /64 is someone else

  const v4 = store();
  for (let i = 0; i < DEVICE_GRANT_CAPS.network; i++) expect(v4.add(`198.51.100.${i}`)).toBe(true);
  expect(() => v4.add("198.51.100.250")).toThrow("Too many device sign-ins");
  expect(v4.add("198.51.101.1")).toBe(true);
});

test("a wide network (IPv4 /16, IPv6 /48) is capped too, across its /24s and /64s", () => {
  const s = store();
  let added = 0;
  outer: for (let net = 0; net < 256; net++) {
    for (let host = 0; host < 20; host++) {
      try {
        s.add(`2001:db8:7:${net.toString(16)}::${(host + 1).toString(16)}`);
        added++;
      } catch {
        break outer;
      }
    }
  }
  expect(added).toBe(DEVICE_GRANT_CAPS.wideNetwork);
  expect(s.add("2001:db8:8::1")).toBe(true);
});

test("expired and removed grants give their place back at once", () => {
  const s = store();
  for (let i = 0; i < DEVICE_GRANT_CAPS.address; i++) s.add("203.0.113.9");
  expect(() => s.add("203.0.113.9")).toThrow();
  s.grants.removeDevice("device-1");
  expect(s.add("203.0.113.9")).toBe(true);
  s.clock.advance(DEVICE_GRANT_TTL_MS);
  for (let i = 0; i < DEVICE_GRANT_CAPS.address; i++) expect(s.add("203.0.113.9")).toBe(true);
  // The expired ones still answer a late poll for a while.
  expect(s.grants.device("device-2")).toBeDefined();
});

test("model: whether a grant is accepted always matches a recount of the live grants", () => {
  const ip = fc.constantFrom("198.51.100.1", "198.51.100.2", "198.51.7.1", "2001:db8::1", "2001:db8::2", null);
  const op = fc.oneof(
    fc.record({ kind: fc.constant("add" as const), ip }),
    fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: DEVICE_GRANT_TTL_MS }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const s = store();
      const model: { code: string; ip: string | null; expiresAt: number }[] = [];
      for (const o of ops) {
        if (o.kind === "advance") s.clock.advance(o.ms);
        if (o.kind === "remove" && model.length > 0) {
          const [gone] = model.splice(o.pick % model.length, 1);
          s.grants.removeDevice(gone!.code);
        }
        if (o.kind !== "add") continue;
        const now = s.grants.now();
        const live = model.filter((g) => g.expiresAt > now);
        const keys = networksOf(o.ip);
        const caps = [DEVICE_GRANT_CAPS.address, DEVICE_GRANT_CAPS.network, DEVICE_GRANT_CAPS.wideNetwork];
        const full = keys.some((key, i) => live.filter((g) => networksOf(g.ip)[i] === key).length >= caps[i]!);
        let accepted = true;
        try {
          s.add(o.ip);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(!full);
        if (accepted) model.push({ code: `device-${s.count()}`, ip: o.ip, expiresAt: now + DEVICE_GRANT_TTL_MS });
      }
    }),
    { numRuns: 150 },
  );
});

test("filling the store to its cap from many networks works, and the cap then holds", () => {
  const s = store();
  // 100,000 grants: 100 /16s × 1,000. Before the fix every grant scanned all others (quadratic).
  for (let a = 0; a < 100; a++) for (let b = 0; b < 10; b++) for (let c = 0; c < 100; c++) s.add(`10.${a}.${b}.${c}`);
  expect(() => s.add("192.0.2.1")).toThrow("Too many device sign-ins");
  s.clock.advance(DEVICE_GRANT_TTL_MS);
  expect(s.add("192.0.2.1")).toBe(true);
});
