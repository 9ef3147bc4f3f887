// A model test of the query gate (src/modules/data/gate.ts): random sequences of enter / release /
// handOff by a few callers, checked after every step against the gate's promises: never more than
// `slots` running, never more than the per-caller cap held (overtime included), each caller served in
// its own arrival order, no caller left waiting while a slot it may take is free, a waiting caller
// passed over at most once by each other caller while it could run (round-robin, not FIFO), queue
// bounds hold (a 429 only when a bound is reached), and releasing everything frees everything.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { defaultPerCaller, type GateTicket, QueryGate } from "../../src/modules/data/gate";
import { TooManyRequests } from "../../src/shared/errors";
import type { DataSettings } from "../../src/config";
import { threadPoolHint } from "../../src/modules/data/service";

const CALLERS = ["a", "b", "c", "d"];
const tick = () => new Promise((resolve) => setImmediate(resolve));

type Held = { caller: string; ticket: GateTicket; state: "running" | "overtime" | "done" };
type Step = { kind: "enter"; caller: number } | { kind: "release" | "handOff" | "again"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("enter" as const), caller: fc.integer({ min: 0, max: CALLERS.length - 1 }) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constantFrom("release" as const, "handOff" as const, "again" as const), pick: fc.nat(50) }), weight: 4 },
);

class Model {
  readonly held: Held[] = [];
  readonly done: Held[] = [];
  /** Per caller, its requests in arrival order (ids) that have not been answered. */
  readonly waiting = new Map<string, number[]>();
  /** Admissions seen since the last check, in the order the gate made them. */
  admitted: { caller: string; id: number }[] = [];
  readonly bypassed = new Map<string, number>();
  private nextId = 0;

  constructor(readonly gate: QueryGate) {}

  heldBy(caller: string): number {
    return this.held.filter((h) => h.caller === caller && h.state !== "done").length;
  }

  enter(caller: string): void {
    const id = this.nextId++;
    const before = this.gate.stats();
    const queued = this.waiting.get(caller) ?? [];
    queued.push(id);
    this.waiting.set(caller, queued);
    this.gate.enter(caller).then(
      (ticket) => {
        this.held.push({ caller, ticket, state: "running" });
        this.admitted.push({ caller, id });
      },
      (error) => {
        expect(error).toBeInstanceOf(TooManyRequests);
        // A refusal only when the whole queue or this caller's share of it is full.
        const mine = (this.waiting.get(caller)?.length ?? 1) - 1;
        expect(before.waiting >= this.gate.queueBound || mine >= this.gate.callerQueueBound).toBe(true);
        queued.splice(queued.indexOf(id), 1);
      },
    );
  }

  /** Replays this step's admissions: each caller in its own order, and the round-robin bound. */
  checkAdmissions(heldBefore: Map<string, number>): void {
    for (const { caller, id } of this.admitted) {
      const queued = this.waiting.get(caller)!;
      expect(queued[0]).toBe(id);
      queued.shift();
      heldBefore.set(caller, (heldBefore.get(caller) ?? 0) + 1);
      this.bypassed.set(caller, 0);
      for (const [other, list] of this.waiting) {
        if (other === caller || list.length === 0 || (heldBefore.get(other) ?? 0) >= this.gate.perCaller) continue;
        const count = (this.bypassed.get(other) ?? 0) + 1;
        this.bypassed.set(other, count);
        expect(count).toBeLessThanOrEqual(CALLERS.length - 1);
      }
    }
    this.admitted = [];
  }

  checkInvariants(): void {
    const { gate } = this;
    const stats = gate.stats();
    const running = this.held.filter((h) => h.state === "running").length;
    expect(stats.running).toBe(running);
    expect(stats.running).toBeLessThanOrEqual(gate.slots);
    expect(stats.overtime).toBeLessThanOrEqual(gate.slots);
    expect(stats.waiting).toBeLessThanOrEqual(gate.queueBound);
    for (const caller of CALLERS) {
      const queued = this.waiting.get(caller)?.length ?? 0;
      expect(this.heldBy(caller)).toBeLessThanOrEqual(gate.perCaller);
      expect(stats.held.get(caller) ?? 0).toBe(this.heldBy(caller));
      expect(queued).toBeLessThanOrEqual(gate.callerQueueBound);
      // Nobody waits while a slot they may take is free.
      if (queued > 0) expect(running < gate.slots && this.heldBy(caller) < gate.perCaller).toBe(false);
    }
    expect(stats.waiting).toBe([...this.waiting.values()].reduce((n, q) => n + q.length, 0));
  }

  act(s: Step): void {
    if (s.kind === "enter") return this.enter(CALLERS[s.caller]!);
    if (s.kind === "again") {
      const old = this.done[s.pick % Math.max(1, this.done.length)];
      old?.ticket.release(); // a second release changes nothing
      old?.ticket.handOff();
      return;
    }
    const live = this.held.filter((h) => h.state !== "done");
    const pick = live[s.pick % Math.max(1, live.length)];
    if (!pick) return;
    if (s.kind === "release") {
      pick.ticket.release();
      pick.state = "done";
      this.done.push(pick);
      return;
    }
    const overtimeBefore = this.gate.stats().overtime;
    const moved = pick.ticket.handOff();
    expect(moved).toBe(pick.state === "running" && overtimeBefore < this.gate.slots);
    if (moved) pick.state = "overtime";
  }
}

async function run(slots: number, perCaller: number | undefined, steps: Step[]): Promise<void> {
  const model = new Model(new QueryGate(slots, 10_000_000, perCaller));
  for (const s of steps) {
    const heldBefore = new Map(CALLERS.map((c) => [c, model.heldBy(c)]));
    model.act(s);
    if (s.kind === "release") for (const c of CALLERS) heldBefore.set(c, model.heldBy(c));
    await tick();
    model.checkAdmissions(heldBefore);
    model.checkInvariants();
  }
  // Release always frees: draining everything leaves an empty gate (and no timers behind).
  for (let guard = 0; model.held.some((h) => h.state !== "done"); guard++) {
    expect(guard).toBeLessThan(10_000);
    model.act({ kind: "release", pick: 0 });
    await tick();
    model.checkAdmissions(new Map(CALLERS.map((c) => [c, model.heldBy(c)])));
  }
  const stats = model.gate.stats();
  expect([stats.running, stats.overtime, stats.waiting, stats.held.size]).toEqual([0, 0, 0, 0]);
}

test("the query gate keeps its bounds, per-caller caps and round-robin order under random use", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc
        .integer({ min: 1, max: 6 })
        .chain((slots) =>
          fc.tuple(fc.constant(slots), fc.option(fc.integer({ min: 1, max: slots + 1 }), { nil: undefined }), fc.array(step, { maxLength: 80 })),
        ),
      ([slots, perCaller, steps]) => run(slots, perCaller, steps),
    ),
    { numRuns: 150 },
  );
});

test("one caller flooding the gate leaves the other half of the slots and the queue to others", async () => {
  const gate = new QueryGate(4, 10_000_000);
  expect(gate.perCaller).toBe(defaultPerCaller(4));
  const flood = Array.from({ length: 40 }, () => gate.enter("a").catch((error: unknown) => error));
  const mine = await gate.enter("b"); // answered at once: "a" holds only its cap
  expect(gate.stats().held.get("a")).toBe(2);
  expect(gate.stats().waiting).toBe(gate.callerQueueBound);
  mine.release();
  const refused = (await Promise.all(flood.slice(2 + gate.callerQueueBound))).filter((e) => e instanceof TooManyRequests);
  expect(refused.length).toBe(40 - 2 - gate.callerQueueBound);
  // Drain: "a"'s queued queries each get a slot as the previous ones release.
  for (const entry of flood.slice(0, 2 + gate.callerQueueBound)) ((await entry) as GateTicket).release();
  expect(gate.stats().running).toBe(0);
});

test("a query waiting longer than the gate's wait is refused with 429, and its place is freed", async () => {
  const gate = new QueryGate(1, 1);
  const first = await gate.enter("a");
  await expect(gate.enter("a")).rejects.toBeInstanceOf(TooManyRequests);
  expect(gate.stats().waiting).toBe(0);
  first.release();
  (await gate.enter("a")).release();
});

test("overtime counts against its caller's cap until DuckDB returns", async () => {
  const gate = new QueryGate(2, 10_000_000, 1);
  const runaway = await gate.enter("a");
  expect(runaway.handOff()).toBe(true);
  let next: GateTicket | undefined;
  const queued = gate.enter("a").then((t) => (next = t));
  const other = await gate.enter("b"); // b is not held up by a's overtime
  await tick();
  expect(next).toBeUndefined();
  runaway.release();
  await queued;
  next!.release();
  other.release();
  expect(gate.stats()).toEqual({ running: 0, overtime: 0, waiting: 0, held: new Map() });
});

test("the server warns at start when Bun's DuckDB thread pool is smaller than the queries it may run", () => {
  const settings = { queryConcurrency: 4 } as DataSettings;
  expect(threadPoolHint(settings, { UV_THREADPOOL_SIZE: "2" })).toContain("UV_THREADPOOL_SIZE=10");
  expect(threadPoolHint(settings, { UV_THREADPOOL_SIZE: "64" })).toBeNull();
});
