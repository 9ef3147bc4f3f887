// A token's allowed networks (`allowed_cidrs`): CIDRs parsed once by ipaddr.js (the library Express
// uses for proxies), a bare address meaning just itself. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d,
// what a dual-stack socket reports) are matched as the IPv4 address they are.
import ipaddr from "ipaddr.js";
import { BadRequest } from "../shared/errors";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** The request's list as stored (canonical `address/prefix`), or 400 naming the first bad entry. */
export function normaliseCidrs(input: readonly string[] | undefined): string[] {
  return (input ?? []).map((entry) => {
    const text = entry.trim();
    try {
      const [address, prefix] = text.includes("/") ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
      const bits = prefix === -1 ? (address.kind() === "ipv4" ? 32 : 128) : prefix;
      return `${address.toString()}/${bits}`;
    } catch {
      throw new BadRequest(`allowed_cidrs: "${entry}" is not a network (e.g. 203.0.113.0/24, 2001:db8::/32 or one address)`);
    }
  });
}

const parsedCache = new WeakMap<readonly string[], Range[]>();

function rangesOf(cidrs: readonly string[]): Range[] {
  let ranges = parsedCache.get(cidrs);
  if (!ranges) {
    ranges = cidrs.map((cidr) => ipaddr.parseCIDR(cidr));
    parsedCache.set(cidrs, ranges);
  }
  return ranges;
}

/** True when `ip` is inside one of `cidrs`; an unknown or unparsable address is inside none. */
export function addressAllowed(cidrs: readonly string[], ip: string | null): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  return rangesOf(cidrs).some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}
