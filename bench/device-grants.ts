// How much does it take to block `da login --device` for everyone? Starts the real server behind a
// pretend proxy (TRUST_PROXY=1, so each request can claim its own address), fills the pending device
// grants from as few networks as the per-address, per-network and per-wide-network caps allow, and
// reports the requests and seconds it took, the refusals on the way, and how long the block lasts.
// Also the in-process cost of adding grants to a full-ish store (the finding: 40,000 took 34 s).
//   bun run bench:device [grants]
import { FakeClock } from "../src/clock";
import { DEVICE_GRANT_CAPS, DEVICE_GRANT_TTL_MS, MAX_PENDING, PendingGrants } from "../src/modules/cli-auth/pending-grants";
import { startServer } from "../test/helpers/server";

const GRANTS = Number(process.argv[2] ?? MAX_PENDING);

function inProcessFill(count: number): number {
  const grants = new PendingGrants(new FakeClock());
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    try {
      grants.addDevice(`d${i}`, `U${i}`, {
        client: "x",
        ip,
        expiresAt: grants.now() + DEVICE_GRANT_TTL_MS,
        intervalS: 5,
        lastPollAt: null,
        status: "pending",
        userId: null,
      });
    } catch {
      // a cap: counted below only for the HTTP run
    }
  }
  return (performance.now() - started) / 1000;
}

/** Addresses spread so that every cap is used to the full: 20 per address, 5 per /24, 10 /24s per /16. */
function* attackerAddresses() {
  const perNetwork = DEVICE_GRANT_CAPS.network / DEVICE_GRANT_CAPS.address;
  const networksPerWide = DEVICE_GRANT_CAPS.wideNetwork / DEVICE_GRANT_CAPS.network;
  for (let wide = 0; ; wide++) {
    for (let net = 0; net < networksPerWide; net++) {
      for (let host = 0; host < perNetwork; host++) yield `${10 + (wide >> 8)}.${wide & 255}.${net}.${host + 1}`;
    }
  }
}

async function httpFill(url: string) {
  const started = performance.now();
  let requests = 0;
  let refused = 0;
  const addresses = attackerAddresses();
  let ip = addresses.next().value as string;
  let used = 0;
  const nextAddress = () => {
    if (used === DEVICE_GRANT_CAPS.address) [ip, used] = [addresses.next().value as string, 0];
    used++;
    return ip;
  };
  for (let probes = 0; ; probes++) {
    const batch = Array.from({ length: 100 }, () => {
      const from = nextAddress();
      return fetch(`${url}/auth/device/code`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": from }, body: "{}" });
    });
    const statuses = (await Promise.all(batch)).map((r) => r.status);
    requests += statuses.length;
    refused += statuses.filter((s) => s === 429).length;
    // A fresh, never-seen network is refused only when the whole store is full.
    const fresh = `203.${(probes >> 8) & 255}.${probes & 255}.1`;
    const probe = await fetch(`${url}/auth/device/code`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": fresh },
      body: "{}",
    });
    requests++;
    if (probe.status === 429) break;
    if (requests > GRANTS * 2) throw new Error("the store never filled");
  }
  return { requests, refused, seconds: (performance.now() - started) / 1000 };
}

console.log(`in process: ${GRANTS.toLocaleString()} grants added in ${inProcessFill(GRANTS).toFixed(2)} s`);
const server = await startServer({ env: { TRUST_PROXY: "1", CLI_BUILD_ON_START: "off" }, cost: "production" });
try {
  const fill = await httpFill(server.url);
  const networks = Math.ceil(MAX_PENDING / DEVICE_GRANT_CAPS.wideNetwork);
  console.log(
    `over HTTP: device login blocked for everyone after ${fill.requests.toLocaleString()} requests in ${fill.seconds.toFixed(1)} s (${fill.refused} refused on the way)`,
  );
  console.log(
    `the attacker needs addresses in ≥ ${networks} different IPv4 /16s or IPv6 /48s; the block lasts ${DEVICE_GRANT_TTL_MS / 60_000} min unless refilled`,
  );
  const rss = await Bun.file(`/proc/${server.pid}/status`).text();
  console.log(`server ${rss.match(/VmRSS:\s+\d+ kB/)?.[0] ?? "VmRSS unknown"} with the store full`);
} finally {
  await server.stop();
}
