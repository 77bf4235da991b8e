/**
 * Test helpers: a started broker in a temp dir, and a one-request-at-a-time raw client that
 * sends any api/version through the project's codec.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {decodeResponse, encodeRequest} from '../../../src/protocol/api.js';
import {startBroker} from '../../../src/broker/broker.js';

export type StartedBroker = Awaited<ReturnType<typeof startBroker>>;

export async function startTestBroker(config: Record<string, string> = {}): Promise<{broker: StartedBroker; cleanup: () => Promise<void>}> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kstream-admin-'));
  const broker = await startBroker({dataDir, host: '127.0.0.1', port: 0, config, log: process.env.KSTREAM_TEST_LOG ? (line) => process.stderr.write(`[broker] ${line}\n`) : () => {}});
  return {
    broker,
    cleanup: async () => {
      await broker.stop();
      await rm(dataDir, {recursive: true, force: true});
    },
  };
}

/** One connection; requests are sent one after another and each waits for its response. */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiting?: (frame: Buffer) => void;
  private correlationId = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      if (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length >= 4 + size) {
          const frame = this.buffered.subarray(4, 4 + size);
          this.buffered = this.buffered.subarray(4 + size);
          const resolve = this.waiting;
          this.waiting = undefined;
          resolve?.(frame);
        }
      }
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({host: '127.0.0.1', port}, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  async send<T = any>(apiKey: number, version: number, body: object): Promise<T> {
    const correlationId = ++this.correlationId;
    const frame = await new Promise<Buffer>((resolve, reject) => {
      this.waiting = resolve;
      this.socket.once('error', reject);
      this.socket.write(encodeRequest(apiKey, version, correlationId, 'admin-test', body));
    });
    const decoded = decodeResponse<T>(apiKey, version, frame);
    if (decoded.correlationId !== correlationId) throw new Error(`correlation id ${decoded.correlationId}, expected ${correlationId}`);
    return decoded.body;
  }

  close(): void {
    this.socket.destroy();
  }
}
