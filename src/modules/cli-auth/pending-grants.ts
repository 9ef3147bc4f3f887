// Sign-ins for `da` that are waiting for the browser: loopback authorization codes (RFC 8252 with
// PKCE) and device grants (RFC 8628). They live in this process's memory, not in DuckDB: the server
// is a single process, a grant lives two to five minutes, and losing the pending ones on a restart
// only means running `da login` again. Every secret is kept as its SHA-256 only (the code, the
// device code, the user code), so a memory dump shows nothing that can be redeemed. The maps are
// bounded: expired grants are dropped on every write, and a full store refuses new grants (429)
// rather than forgetting pending ones.
import type { Clock } from "../../clock";
import { hashSecret } from "../../auth/pat-format";
import { TooManyRequests } from "../../http/errors";

export const LOOPBACK_CODE_TTL_MS = 2 * 60_000;
export const DEVICE_GRANT_TTL_MS = 5 * 60_000;
export const DEVICE_POLL_INTERVAL_S = 5;
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval. */
export const SLOW_DOWN_STEP_S = 5;
const MAX_PENDING = 100_000;
/** An anonymous client may hold this many device grants at once (device codes need no sign-in). */
const MAX_DEVICE_GRANTS_PER_IP = 20;
/** A signed-in user may have this many browser codes waiting to be redeemed. */
const MAX_LOOPBACK_CODES_PER_USER = 10;
/** An expired device grant is kept this much longer, so a late poll hears `expired_token`. */
const EXPIRED_GRACE_MS = 5 * 60_000;

export type LoopbackGrant = { userId: string; challenge: string; client: string; expiresAt: number };

export type DeviceGrant = {
  client: string;
  ip: string | null;
  expiresAt: number;
  intervalS: number;
  lastPollAt: number | null;
  status: "pending" | "approved" | "denied";
  userId: string | null;
  userCodeHash: string;
};

export class PendingGrants {
  private readonly loopback = new Map<string, LoopbackGrant>();
  private readonly devices = new Map<string, DeviceGrant>();
  private readonly deviceByUserCode = new Map<string, string>();

  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now().getTime();
  }

  addLoopback(code: string, grant: LoopbackGrant): void {
    this.prune();
    const mine = [...this.loopback.values()].filter((g) => g.userId === grant.userId).length;
    if (mine >= MAX_LOOPBACK_CODES_PER_USER || this.loopback.size >= MAX_PENDING) {
      throw new TooManyRequests("Too many sign-ins for da are waiting; try again in two minutes", 120);
    }
    this.loopback.set(hashSecret(code), grant);
  }

  /** Single use: whoever presents a code first consumes it, whether or not the rest checks out. */
  takeLoopback(code: string): LoopbackGrant | undefined {
    const key = hashSecret(code);
    const grant = this.loopback.get(key);
    this.loopback.delete(key);
    return grant;
  }

  /** False when the user code is already taken by another pending grant (the caller draws a new one). */
  addDevice(deviceCode: string, userCode: string, grant: Omit<DeviceGrant, "userCodeHash">): boolean {
    this.prune();
    // Only grants that can still be confirmed count: expired ones linger (so a late poll hears
    // `expired_token`) but must not keep the store full for everyone else.
    const now = this.now();
    const live = [...this.devices.values()].filter((g) => g.expiresAt > now);
    const fromIp = live.filter((g) => g.ip === grant.ip).length;
    if (fromIp >= MAX_DEVICE_GRANTS_PER_IP || live.length >= MAX_PENDING) {
      throw new TooManyRequests("Too many device sign-ins are waiting; try again in a few minutes", 300);
    }
    const userCodeHash = hashSecret(userCode);
    if (this.deviceByUserCode.has(userCodeHash)) return false;
    const key = hashSecret(deviceCode);
    this.devices.set(key, { ...grant, userCodeHash });
    this.deviceByUserCode.set(userCodeHash, key);
    return true;
  }

  device(deviceCode: string): DeviceGrant | undefined {
    return this.devices.get(hashSecret(deviceCode));
  }

  /** The pending grant a (normalised) user code names, if it is still valid. */
  deviceByCode(userCode: string): DeviceGrant | undefined {
    const key = this.deviceByUserCode.get(hashSecret(userCode));
    const grant = key ? this.devices.get(key) : undefined;
    return grant && grant.status === "pending" && grant.expiresAt > this.now() ? grant : undefined;
  }

  removeDevice(deviceCode: string): void {
    const key = hashSecret(deviceCode);
    const grant = this.devices.get(key);
    if (grant) this.deviceByUserCode.delete(grant.userCodeHash);
    this.devices.delete(key);
  }

  get size(): number {
    return this.loopback.size + this.devices.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, grant] of this.loopback) if (grant.expiresAt <= now) this.loopback.delete(key);
    for (const [key, grant] of this.devices) {
      if (grant.expiresAt + EXPIRED_GRACE_MS <= now) {
        this.devices.delete(key);
        this.deviceByUserCode.delete(grant.userCodeHash);
      }
    }
  }
}
