// Sign-ins for `da` that are waiting for the browser: loopback authorization codes (RFC 8252 with
// PKCE) and device grants (RFC 8628). They live in this process's memory, not in DuckDB: the server
// is a single process, a grant lives two to five minutes, and losing the pending ones on a restart
// only means running `da login` again. Every secret is kept as its SHA-256 only (the code, the
// device code, the user code), so a memory dump shows nothing that can be redeemed.
//
// An approved grant names the browser session that approved it (`approvedBy`): redeeming it needs
// that session to be live still, so whatever ends the session (sign-out, a password or role change,
// deactivation, recovery, deletion) voids the grants it approved, with no second list to keep.
//
// Bounded and fair: every grant has the same lifetime, so a Map (insertion order) is also an expiry
// queue and pruning stops at the first live grant: each write costs O(1) amortised, never a scan of
// every pending grant. Device codes need no sign-in, so live device grants are counted per address
// and per network (IPv4 /24 and /16, IPv6 /64 and /48): filling the global cap takes addresses in
// at least `MAX_PENDING / PER_WIDE_NETWORK` wide networks, not a few thousand from one /64.
import type { Clock } from "../../clock";
import { hashSecret } from "../../auth/pat-format";
import { TooManyRequests } from "../../shared/errors";
import { networksOf } from "./networks";

export const LOOPBACK_CODE_TTL_MS = 2 * 60_000;
export const DEVICE_GRANT_TTL_MS = 5 * 60_000;
export const DEVICE_POLL_INTERVAL_S = 5;
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval. */
export const SLOW_DOWN_STEP_S = 5;
export const MAX_PENDING = 100_000;
/** Live device grants one client address, its network (/24, /64) and its wide network (/16, /48) may hold. */
export const DEVICE_GRANT_CAPS = { address: 20, network: 100, wideNetwork: 1_000 } as const;
/** A signed-in user may have this many browser codes waiting to be redeemed. */
const MAX_LOOPBACK_CODES_PER_USER = 10;
/** An expired device grant is kept this much longer, so a late poll hears `expired_token`. */
const EXPIRED_GRACE_MS = 5 * 60_000;

export type LoopbackGrant = { userId: string; approvedBy: string; challenge: string; client: string; expiresAt: number };

export type DeviceGrant = {
  client: string;
  ip: string | null;
  expiresAt: number;
  intervalS: number;
  lastPollAt: number | null;
  status: "pending" | "approved" | "denied";
  userId: string | null;
  /** The session that approved (or denied) it; redeeming needs it to be live. */
  approvedBy: string | null;
};

type StoredDevice = DeviceGrant & { userCodeHash: string; counted: string[] | null };

/** Live-grant counts by key, dropping keys that reach zero so the map stays as small as the grants. */
class Counts {
  private readonly counts = new Map<string, number>();
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  add(keys: string[], delta: 1 | -1): void {
    for (const key of keys) {
      const next = this.get(key) + delta;
      if (next > 0) this.counts.set(key, next);
      else this.counts.delete(key);
    }
  }
}

export class PendingGrants {
  private readonly loopback = new Map<string, LoopbackGrant>();
  private readonly loopbackPerUser = new Counts();
  private readonly devices = new Map<string, StoredDevice>();
  private readonly deviceByUserCode = new Map<string, string>();
  private readonly liveDevices = new Counts();
  private liveDeviceCount = 0;
  /** Device grants in creation order whose live count is not yet given back (see `expireDevices`). */
  private readonly expiryQueue: StoredDevice[] = [];
  private expiryHead = 0;

  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now().getTime();
  }

  addLoopback(code: string, grant: LoopbackGrant): void {
    this.pruneLoopback();
    if (this.loopbackPerUser.get(grant.userId) >= MAX_LOOPBACK_CODES_PER_USER || this.loopback.size >= MAX_PENDING) {
      throw new TooManyRequests("Too many sign-ins for da are waiting; try again in two minutes", 120);
    }
    this.loopback.set(hashSecret(code), grant);
    this.loopbackPerUser.add([grant.userId], 1);
  }

  /** Single use: whoever presents a code first consumes it, whether or not the rest checks out. */
  takeLoopback(code: string): LoopbackGrant | undefined {
    const key = hashSecret(code);
    const grant = this.loopback.get(key);
    if (grant) this.dropLoopback(key, grant);
    return grant;
  }

  /** False when the user code is already taken by another pending grant (the caller draws a new one). */
  addDevice(deviceCode: string, userCode: string, grant: Omit<DeviceGrant, "approvedBy">): boolean {
    this.pruneDevices();
    const keys = networksOf(grant.ip);
    const caps = [DEVICE_GRANT_CAPS.address, DEVICE_GRANT_CAPS.network, DEVICE_GRANT_CAPS.wideNetwork];
    if (this.liveDeviceCount >= MAX_PENDING || keys.some((key, i) => this.liveDevices.get(key) >= caps[i]!)) {
      throw new TooManyRequests("Too many device sign-ins are waiting; try again in a few minutes", 300);
    }
    const userCodeHash = hashSecret(userCode);
    if (this.deviceByUserCode.has(userCodeHash)) return false;
    const stored: StoredDevice = { ...grant, approvedBy: null, userCodeHash, counted: keys };
    const key = hashSecret(deviceCode);
    this.devices.set(key, stored);
    this.deviceByUserCode.set(userCodeHash, key);
    this.liveDevices.add(keys, 1);
    this.liveDeviceCount++;
    this.expiryQueue.push(stored);
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
    if (!grant) return;
    this.uncount(grant);
    this.deviceByUserCode.delete(grant.userCodeHash);
    this.devices.delete(key);
  }

  get size(): number {
    return this.loopback.size + this.devices.size;
  }

  private dropLoopback(key: string, grant: LoopbackGrant): void {
    this.loopback.delete(key);
    this.loopbackPerUser.add([grant.userId], -1);
  }

  private pruneLoopback(): void {
    const now = this.now();
    for (const [key, grant] of this.loopback) {
      if (grant.expiresAt > now) break;
      this.dropLoopback(key, grant);
    }
  }

  private pruneDevices(): void {
    const now = this.now();
    this.expireDevices(now);
    for (const [key, grant] of this.devices) {
      if (grant.expiresAt + EXPIRED_GRACE_MS > now) break;
      this.devices.delete(key);
      this.deviceByUserCode.delete(grant.userCodeHash);
    }
  }

  /** Grants past their lifetime stop counting against their network (they linger only for a late poll). */
  private expireDevices(now: number): void {
    while (this.expiryHead < this.expiryQueue.length && this.expiryQueue[this.expiryHead]!.expiresAt <= now) {
      this.uncount(this.expiryQueue[this.expiryHead++]!);
    }
    if (this.expiryHead > 1024 && this.expiryHead * 2 > this.expiryQueue.length) {
      this.expiryQueue.splice(0, this.expiryHead);
      this.expiryHead = 0;
    }
  }

  private uncount(grant: StoredDevice): void {
    if (!grant.counted) return;
    this.liveDevices.add(grant.counted, -1);
    this.liveDeviceCount--;
    grant.counted = null;
  }
}
