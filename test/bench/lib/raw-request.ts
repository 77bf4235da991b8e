/**
 * One request on a raw socket, timed from the write of its already-encoded bytes to the last byte
 * of the response; encoding and decoding happen outside the clock. For requests whose encoding
 * costs the benchmark's own Node client tens of milliseconds (10,000 partitions), so the figure is
 * the broker's time plus loopback, not the client's.
 */
import {connect as netConnect, type Socket} from 'node:net';
import {once} from 'node:events';
import {decodeResponse, encodeRequest} from '../../../src/protocol/api.js';
import {splitHostPort} from '../../../src/client/protocol-client.js';
import {roundTrip} from './fetch-loop.js';

export class RawConnection {
  private correlationId = 0;

  private constructor(private readonly socket: Socket) {}

  static async open(address: string): Promise<RawConnection> {
    const {host, port} = splitHostPort(address);
    const socket = netConnect({host, port});
    await once(socket, 'connect');
    socket.setNoDelay(true);
    return new RawConnection(socket);
  }

  /** Send `body` as `apiKey` at `version`; the decoded response and the round trip in ms. */
  async timed<T = any>(apiKey: number, version: number, body: object): Promise<{value: T; ms: number}> {
    const correlationId = ++this.correlationId;
    const request = encodeRequest(apiKey, version, correlationId, 'kstream-bench', body);
    const {frame, lastByteMs} = await roundTrip(this.socket, request);
    const decoded = decodeResponse<T>(apiKey, version, frame);
    if (decoded.correlationId !== correlationId) throw new Error(`response ${decoded.correlationId} to request ${correlationId}`);
    return {value: decoded.body, ms: lastByteMs};
  }

  close(): void {
    this.socket.destroy();
  }
}
