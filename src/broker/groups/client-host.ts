/** How Kafka shows a member's host: InetAddress.toString() of the peer, e.g. "/127.0.0.1". */
export function clientHost(remoteAddress: string): string {
  const plain = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice('::ffff:'.length) : remoteAddress;
  return `/${plain}`;
}
