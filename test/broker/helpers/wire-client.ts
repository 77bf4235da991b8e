/**
 * A minimal Kafka client for broker tests, built on the project's codec: sends requests
 * (pipelined if wanted) and reads responses in order, or raw bytes for framing tests.
 */
import net from 'node:net';
import {decodeResponse, encodeRequest} from '../../../src/protocol/api.js';

interface Pending {
  apiKey: number;
  apiVersion: number;
  resolve: (frame: Buffer) => void;
  reject: (err: Error) => void;
}

export class WireClient {
  /** Chunks received since the last complete frame. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private readonly pending: Pending[] = [];
  private correlationId = 1;
  readonly closed: Promise<void>;
  /** Correlation ids of the responses, in the order they arrived. */
  readonly arrivals: number[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.closed = new Promise((resolve) => socket.on('close', () => {
      for (const p of this.pending.splice(0)) p.reject(new Error('connection closed'));
      resolve();
    }));
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Send one request; resolves with its decoded response body. */
  request<T = any>(apiKey: number, apiVersion: number, body: object, clientId: string | null = 'wire-test'): Promise<T> {
    const frame = encodeRequest(apiKey, apiVersion, this.correlationId++, clientId, body);
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.push({apiKey, apiVersion, resolve, reject});
      this.socket.write(frame);
    }).then((response) => decodeResponse<T>(apiKey, apiVersion, response).body);
  }

  /** Send a request that gets no response (acks=0). */
  send(apiKey: number, apiVersion: number, body: object): void {
    this.socket.write(encodeRequest(apiKey, apiVersion, this.correlationId++, 'wire-test', body));
  }

  /** Send raw bytes and expect the response frame of a request with this api/version. */
  rawRequest(bytes: Buffer, apiKey: number, apiVersion: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.push({apiKey, apiVersion, resolve, reject});
      this.socket.write(bytes);
    });
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Stop reading from the socket (responses back up in the broker), and start again. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  private onData(chunk: Buffer): void {
    // Join only once a whole frame is there: large responses arrive in many chunks.
    this.parts.push(chunk);
    this.partBytes += chunk.length;
    if (this.partBytes < 4) return;
    const head = this.parts[0]!.length >= 4 ? this.parts[0]! : Buffer.concat(this.parts);
    if (this.partBytes < 4 + head.readInt32BE(0)) return;
    let buffer = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    while (buffer.length >= 4) {
      const size = buffer.readInt32BE(0);
      if (buffer.length < 4 + size) break;
      const frame = buffer.subarray(4, 4 + size);
      buffer = buffer.subarray(4 + size);
      this.arrivals.push(frame.readInt32BE(0));
      const next = this.pending.shift();
      if (next) next.resolve(frame);
    }
    this.parts = buffer.length > 0 ? [buffer] : [];
    this.partBytes = buffer.length;
  }
}
