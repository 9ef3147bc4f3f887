// At most QUERY_CONCURRENCY user queries run at once, and at most QUERY_PER_USER of them (default
// half) for one caller (an account id: a person, or a service account), so one caller's runaways or
// floods always leave slots for others. Beyond that a request waits in its caller's own queue;
// waiting callers are served round-robin (not one FIFO), so a caller with 100 queued queries delays
// another's one by one turn, not 100. The queue is bounded in total and per caller; a full queue, or
// a wait longer than the query timeout, is a 429 with Retry-After, so a flood of queries costs the
// server a counter, not memory or threads.
// A query answered (408) while DuckDB still works on it may hand its slot back ("overtime", bounded
// by QUERY_CONCURRENCY): the work keeps counting against its caller's cap until DuckDB returns, so
// nobody can pile up runaways.
import { TooManyRequests } from "../../shared/errors";

/** How many requests may wait per running slot. */
const QUEUE_PER_SLOT = 8;
const RETRY_AFTER_SECONDS = 2;

export type GateTicket = {
  /** Frees the slot (or the overtime place) and the caller's share; idempotent. */
  release: () => void;
  /**
   * The query was answered but DuckDB is still busy: the slot goes to the next query, the work stays
   * on its caller's cap until `release`. False (nothing changes) when overtime is full.
   */
  handOff: () => boolean;
};

type Waiter = { caller: string; resolve: (ticket: GateTicket) => void; timer: Timer };

/** Default per-caller cap: half the slots (rounded up), at least 1. */
export const defaultPerCaller = (slots: number) => Math.max(1, Math.ceil(slots / 2));

export class QueryGate {
  private running = 0;
  private overtime = 0;
  /** Slots and overtime places each caller holds now. */
  private readonly held = new Map<string, number>();
  /** Each caller's waiting queries; the Map's order is the round-robin order (served → moved last). */
  private readonly queues = new Map<string, Waiter[]>();
  private waitingCount = 0;
  readonly perCaller: number;

  constructor(
    readonly slots: number,
    private readonly maxWaitMs: number,
    perCaller: number = defaultPerCaller(slots),
  ) {
    this.perCaller = Math.max(1, Math.min(perCaller, slots));
  }

  get queueBound(): number {
    return this.slots * QUEUE_PER_SLOT;
  }

  /** One caller may fill at most half the queue. */
  get callerQueueBound(): number {
    return Math.max(1, Math.floor(this.queueBound / 2));
  }

  /** A snapshot for tests and metrics. */
  stats(): { running: number; overtime: number; waiting: number; held: ReadonlyMap<string, number> } {
    return { running: this.running, overtime: this.overtime, waiting: this.waitingCount, held: new Map(this.held) };
  }

  /** Resolves with the slot's ticket once `caller`'s query may run. */
  enter(caller: string): Promise<GateTicket> {
    const queue = this.queues.get(caller);
    if (!queue && this.mayStart(caller)) return Promise.resolve(this.admit(caller));
    if (this.waitingCount >= this.queueBound || (queue?.length ?? 0) >= this.callerQueueBound) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { caller, resolve, timer: setTimeout(() => this.expire(waiter, reject), this.maxWaitMs) };
      if (queue) queue.push(waiter);
      else this.queues.set(caller, [waiter]);
      this.waitingCount++;
    });
  }

  private mayStart(caller: string): boolean {
    return this.running < this.slots && (this.held.get(caller) ?? 0) < this.perCaller;
  }

  private admit(caller: string): GateTicket {
    this.running++;
    this.held.set(caller, (this.held.get(caller) ?? 0) + 1);
    let state: "running" | "overtime" | "done" = "running";
    const release = () => {
      if (state === "done") return;
      if (state === "running") this.running--;
      else this.overtime--;
      state = "done";
      const left = (this.held.get(caller) ?? 1) - 1;
      if (left > 0) this.held.set(caller, left);
      else this.held.delete(caller);
      this.dispatch();
    };
    const handOff = () => {
      if (state !== "running" || this.overtime >= this.slots) return false;
      state = "overtime";
      this.running--;
      this.overtime++;
      this.dispatch();
      return true;
    };
    return { release, handOff };
  }

  /** Fills free slots from the callers' queues in round-robin order, skipping callers at their cap. */
  private dispatch(): void {
    let served = true;
    while (served && this.running < this.slots) {
      served = false;
      for (const [caller, queue] of this.queues) {
        if (!this.mayStart(caller)) continue;
        const next = queue.shift()!;
        this.waitingCount--;
        this.queues.delete(caller); // re-inserted last when it still waits: its turn has passed
        if (queue.length > 0) this.queues.set(caller, queue);
        clearTimeout(next.timer);
        next.resolve(this.admit(caller));
        served = true;
        break;
      }
    }
  }

  private expire(waiter: Waiter, reject: (error: unknown) => void): void {
    const queue = this.queues.get(waiter.caller);
    const at = queue?.indexOf(waiter) ?? -1;
    if (!queue || at < 0) return;
    queue.splice(at, 1);
    this.waitingCount--;
    if (queue.length === 0) this.queues.delete(waiter.caller);
    reject(busy());
  }
}

function busy(): TooManyRequests {
  return new TooManyRequests("Too many queries are running; try again in a moment", RETRY_AFTER_SECONDS);
}
