// "Last seen" for sessions and "last used" for tokens, kept current to the minute without a database
// write per request: requests record into memory, and a timer flushes what changed once a minute
// (and at shutdown). Pages that show these values merge in what is still pending. A flush that fails
// (a full or read-only disk) keeps its batch for the next one; the database layer logs the episode.
import type { Database, Queryable } from "../db/database";

export type Activity = { at: Date; ip: string | null };
/** How the owning modules write a batch (sessions: accounts; tokens: tokens), handed in by createContext. */
export type ActivityWriters = {
  sessionSeen: (q: Queryable, id: string, at: Date, ip: string | null) => Promise<void>;
  tokenUsed: (q: Queryable, id: string, at: Date, ip: string | null) => Promise<void>;
  grantUsed: (q: Queryable, id: string, at: Date, ip: string | null) => Promise<void>;
};
/** The client's address, looked up only when it is recorded: the look-up costs more than the rest of a cheap request. */
export type AddressOf = () => string | null;

// A credential in steady use records its address at most once a second: "last used from" is still
// the address of a use in the last second, and a busy client does not pay for a look-up per request.
const ADDRESS_REFRESH_MS = 1000;

export class ActivityRecorder {
  private sessions = new Map<string, Pending>();
  private tokens = new Map<string, Pending>();
  private grants = new Map<string, Pending>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly db: Database,
    private readonly writers: ActivityWriters,
  ) {}

  sessionSeen(id: string, at: Date, addressOf: AddressOf): void {
    record(this.sessions, id, at, addressOf);
  }
  tokenUsed(id: string, at: Date, addressOf: AddressOf): void {
    record(this.tokens, id, at, addressOf);
  }
  /** An OAuth grant (src/modules/oauth) used through one of its access tokens. */
  grantUsed(id: string, at: Date, addressOf: AddressOf): void {
    record(this.grants, id, at, addressOf);
  }
  pendingGrant(id: string): Activity | undefined {
    return this.grants.get(id);
  }
  pendingSession(id: string): Activity | undefined {
    return this.sessions.get(id);
  }
  pendingToken(id: string): Activity | undefined {
    return this.tokens.get(id);
  }

  start(intervalMs = 60_000): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  async flush(): Promise<void> {
    const sessions = this.sessions;
    const tokens = this.tokens;
    const grants = this.grants;
    if (sessions.size === 0 && tokens.size === 0 && grants.size === 0) return;
    this.sessions = new Map();
    this.tokens = new Map();
    this.grants = new Map();
    try {
      await this.db.transaction(async (tx) => {
        for (const [id, a] of sessions) await this.writers.sessionSeen(tx, id, a.at, a.ip);
        for (const [id, a] of tokens) await this.writers.tokenUsed(tx, id, a.at, a.ip);
        for (const [id, a] of grants) await this.writers.grantUsed(tx, id, a.at, a.ip);
      });
    } catch (error) {
      // Back into the batch, under anything recorded while the flush ran (that is newer).
      this.sessions = new Map([...sessions, ...this.sessions]);
      this.tokens = new Map([...tokens, ...this.tokens]);
      this.grants = new Map([...grants, ...this.grants]);
      throw error;
    }
  }
}

/** Pending activity, with when its address was looked up. */
type Pending = Activity & { addressAt: number };

function record(pending: Map<string, Pending>, id: string, at: Date, addressOf: AddressOf): void {
  const last = pending.get(id);
  if (last && at.getTime() - last.addressAt < ADDRESS_REFRESH_MS) pending.set(id, { at, ip: last.ip, addressAt: last.addressAt });
  else pending.set(id, { at, ip: addressOf(), addressAt: at.getTime() });
}
