// At most QUERY_CONCURRENCY user queries run at once. Beyond that a request waits in a bounded
// queue (in arrival order); a full queue, or a wait longer than the query timeout, is a 429 with
// Retry-After, so a flood of queries costs the server a counter, not memory or threads.
import { TooManyRequests } from "../../shared/errors";

/** How many requests may wait per running slot. */
const QUEUE_PER_SLOT = 8;
const RETRY_AFTER_SECONDS = 2;

type Waiter = { resolve: (release: () => void) => void; timer: Timer };

export class QueryGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly slots: number,
    private readonly maxWaitMs: number,
  ) {}

  get queueBound(): number {
    return this.slots * QUEUE_PER_SLOT;
  }

  /** Resolves with the slot's release function once the query may run. */
  enter(): Promise<() => void> {
    if (this.running < this.slots) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queueBound) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(busy());
        }, this.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (!next) {
        this.running--;
        return;
      }
      clearTimeout(next.timer);
      next.resolve(this.releaser()); // the slot passes straight to the next in line
    };
  }
}

function busy(): TooManyRequests {
  return new TooManyRequests("Too many queries are running; try again in a moment", RETRY_AFTER_SECONDS);
}
