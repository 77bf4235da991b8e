/**
 * How Kafka shows a member's host: InetAddress.toString() of the peer, e.g. "/127.0.0.1".
 * The connection reports "address:port" (the address may be IPv6 with colons): drop the port.
 */
export function clientHost(remoteAddress: string): string {
  const at = remoteAddress.lastIndexOf(':');
  let host = at > 0 && /^(\d+|\?)$/.test(remoteAddress.slice(at + 1)) ? remoteAddress.slice(0, at) : remoteAddress;
  if (host.startsWith('::ffff:')) host = host.slice('::ffff:'.length);
  return `/${host}`;
}
