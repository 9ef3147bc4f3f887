// Which networks a client address belongs to, for limits that must not be dodged by changing the
// last bits of an address: one host owns a whole IPv6 /64, and a small provider hands out /24s
// (IPv4) or /48s (IPv6). ipaddr.js parses the address (the same library Express uses for proxies).
import ipaddr from "ipaddr.js";

/** [address, network, wide network] keys: IPv4 /32, /24, /16; IPv6 /128, /64, /48. */
export function networksOf(ip: string | null): [string, string, string] {
  const parsed = ip && ipaddr.isValid(ip) ? ipaddr.process(ip) : null;
  if (!parsed) return ["a:unknown", "n:unknown", "w:unknown"];
  const bytes = parsed.toByteArray();
  const prefix = (count: number) => bytes.slice(0, count).join(".");
  if (parsed.kind() === "ipv4") return [`a4:${prefix(4)}`, `n4:${prefix(3)}`, `w4:${prefix(2)}`];
  return [`a6:${prefix(16)}`, `n6:${prefix(8)}`, `w6:${prefix(6)}`];
}
