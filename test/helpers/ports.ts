// A loopback port that was free a moment ago: bound once by us, then released. For servers whose
// address must be known before they start (PUBLIC_URL, an OIDC redirect URI, a container's PORT)
// and for "nothing listens here" cases.
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}
