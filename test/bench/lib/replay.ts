/**
 * Replaying a client's own requests: a recording TCP proxy saves the bytes kcat sends to the
 * broker (one file per connection) while passing both directions through unchanged, and the
 * replay sends such a file again on one connection to a fresh broker (gen/replay.mjs), so that
 * the broker and the socket-to-file limit get exactly the same bytes from the same Node sender.
 */
import {createServer, connect as netConnect, type Server, type Socket} from 'node:net';
import {createWriteStream, type WriteStream} from 'node:fs';
import {once} from 'node:events';
import {readFile, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {ApiKey, apiName, decodeRequest, decodeRequestHeader, decodeResponse} from '../../../src/protocol/api.js';
import {splitHostPort} from '../../../src/client/protocol-client.js';
import {LOG_OVERHEAD, OFFSET_BATCH_LENGTH, OFFSET_PRODUCER_ID, OFFSET_RECORD_COUNT} from '../../../src/records/batch-header.js';
import {runOk} from './proc.js';

const GEN_DIR = join(import.meta.dirname, '..', 'gen');

export interface RecordedConnection {
  /** The client-to-broker bytes of this connection, in order. */
  path: string;
  bytes: number;
  /** The broker-to-client bytes, when the proxy records answers too (`recordTo(prefix, true)`). */
  responsesPath?: string;
}

/**
 * A TCP proxy in front of a broker that records what clients send. Start it first, start the
 * broker with `--advertise 127.0.0.1:<proxy port>` (so Metadata sends the client back through the
 * proxy, not straight to the broker), then set `target` to the broker's address.
 */
export class RecordingProxy {
  target = '';
  readonly connections: RecordedConnection[] = [];
  private readonly open = new Set<{client: Socket; upstream: Socket; done: Promise<unknown>}>();
  private prefix = '';
  private withResponses = false;

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<RecordingProxy> {
    let proxy: RecordingProxy | undefined;
    const server = createServer({noDelay: true}, (client) => proxy!.accept(client));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    proxy = new RecordingProxy(server, (server.address() as {port: number}).port);
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Files of connections accepted from now on are named `<prefix>-<n>.bin`; with `responses`, the
   * broker's answers go to `<prefix>-<n>.responses.bin` (what the canned-answer programs serve).
   */
  recordTo(prefix: string, responses = false): void {
    this.prefix = prefix;
    this.withResponses = responses;
  }

  private accept(client: Socket): void {
    const {host, port} = splitHostPort(this.target);
    const path = `${this.prefix}-${this.connections.length}.bin`;
    const recorded: RecordedConnection = {path, bytes: 0, ...(this.withResponses ? {responsesPath: path.replace(/\.bin$/, '.responses.bin')} : {})};
    this.connections.push(recorded);
    const file = createWriteStream(path);
    const answers = recorded.responsesPath ? createWriteStream(recorded.responsesPath) : undefined;
    const upstream = netConnect({host, port, noDelay: true});
    client.on('data', (chunk: Buffer) => {
      recorded.bytes += chunk.length;
      file.write(chunk);
    });
    if (answers) upstream.on('data', (chunk: Buffer) => answers.write(chunk));
    // Backpressure both ways: pipe() pauses the reading side while the writing side is full.
    client.pipe(upstream);
    upstream.pipe(client);
    const closed = (s: Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));
    const ended = (w: WriteStream | undefined) => new Promise((r) => (w ? w.end(r) : r(undefined)));
    const entry = {client, upstream, done: Promise.all([closed(client), closed(upstream)]).then(() => Promise.all([ended(file), ended(answers)]))};
    const drop = () => { client.destroy(); upstream.destroy(); };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    this.open.add(entry);
    void entry.done.then(() => this.open.delete(entry));
  }

  /** Closes every proxied connection and waits until their files are complete. */
  async closeConnections(): Promise<void> {
    const pending = [...this.open];
    for (const c of pending) { c.client.destroy(); c.upstream.destroy(); }
    await Promise.all(pending.map((c) => c.done));
  }

  async close(): Promise<void> {
    await this.closeConnections();
    this.server.close();
  }
}

export interface RecordedRequest {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** False only for Produce with acks=0. */
  expectsResponse: boolean;
}

export interface RequestStream {
  requests: RecordedRequest[];
  expectedResponses: number;
  produce: {
    requests: number;
    batches: number;
    records: number;
    /** acks values seen, and producer ids in the batches (-1: not idempotent, not transactional). */
    acks: Set<number>;
    producerIds: Set<bigint>;
    /** Records per "topic-partition". */
    byPartition: Map<string, number>;
  };
  /** Request counts by API name, e.g. {ApiVersions: 1, Metadata: 2, Produce: 40}. */
  apis: Record<string, number>;
}

/** Splits a recorded client-to-broker stream into requests and counts what the replay must see answered. */
export function parseRequestStream(buf: Buffer): RequestStream {
  const requests: RecordedRequest[] = [];
  const produce = {requests: 0, batches: 0, records: 0, acks: new Set<number>(), producerIds: new Set<bigint>(), byPartition: new Map<string, number>()};
  const apis: Record<string, number> = {};
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) throw new Error(`recorded stream ends inside a size prefix at byte ${pos}`);
    const size = buf.readInt32BE(pos);
    if (size < 8 || pos + 4 + size > buf.length) throw new Error(`recorded stream: request at byte ${pos} of size ${size} does not fit in ${buf.length} bytes`);
    const frame = buf.subarray(pos + 4, pos + 4 + size);
    pos += 4 + size;
    const {header, bodyOffset} = decodeRequestHeader(frame);
    const name = apiName(header.apiKey);
    apis[name] = (apis[name] ?? 0) + 1;
    let expectsResponse = true;
    if (header.apiKey === ApiKey.Produce) {
      const body = decodeRequest<any>(header.apiKey, header.apiVersion, frame, bodyOffset);
      produce.requests++;
      produce.acks.add(body.acks);
      expectsResponse = body.acks !== 0;
      for (const t of body.topicData) {
        for (const p of t.partitionData) {
          const records: Buffer = p.records ?? Buffer.alloc(0);
          const key = `${t.name}-${p.index}`;
          for (let at = 0; at + OFFSET_RECORD_COUNT + 4 <= records.length;) {
            const count = records.readInt32BE(at + OFFSET_RECORD_COUNT);
            produce.batches++;
            produce.records += count;
            produce.byPartition.set(key, (produce.byPartition.get(key) ?? 0) + count);
            produce.producerIds.add(records.readBigInt64BE(at + OFFSET_PRODUCER_ID));
            at += records.readInt32BE(at + OFFSET_BATCH_LENGTH) + LOG_OVERHEAD;
          }
        }
      }
    }
    requests.push({apiKey: header.apiKey, apiVersion: header.apiVersion, correlationId: header.correlationId, expectsResponse});
  }
  return {requests, expectedResponses: requests.filter((r) => r.expectsResponse).length, produce, apis};
}

/**
 * Checks the responses of a replay: one per request that expects one, in request order (Kafka
 * answers in order on a connection), with matching correlation ids, and no error in any Produce
 * partition or in ApiVersions. Returns a description of the first problem, or undefined.
 */
export function checkResponses(stream: RequestStream, responses: Buffer): string | undefined {
  const expected = stream.requests.filter((r) => r.expectsResponse);
  let pos = 0;
  for (const [i, req] of expected.entries()) {
    if (pos + 4 > responses.length) return `${expected.length - i} of ${expected.length} responses missing`;
    const size = responses.readInt32BE(pos);
    const frame = responses.subarray(pos + 4, pos + 4 + size);
    pos += 4 + size;
    const {correlationId, body} = decodeResponse<any>(req.apiKey, req.apiVersion, frame);
    const what = `${apiName(req.apiKey)} v${req.apiVersion} (correlation id ${req.correlationId})`;
    if (correlationId !== req.correlationId) return `response ${i} has correlation id ${correlationId}, expected ${what}`;
    if (req.apiKey === ApiKey.ApiVersions && body.errorCode !== 0) return `${what}: error ${body.errorCode}`;
    if (req.apiKey === ApiKey.Produce) {
      for (const t of body.responses) {
        for (const p of t.partitionResponses) {
          if (p.errorCode !== 0) return `${what}: ${t.name}-${p.index} error ${p.errorCode}${p.errorMessage ? ` ${p.errorMessage}` : ''}`;
        }
      }
    }
  }
  if (pos !== responses.length) return `${responses.length - pos} bytes after the ${expected.length} expected responses`;
  return undefined;
}

export interface ReplayResult {
  /** From the first byte sent to the last response received. */
  ms: number;
  /** CPU seconds of the sending process over that time. */
  cpuSeconds: number;
  responses: Buffer;
}

/** Sends a recorded stream on one connection to `address` (gen/replay.mjs) and waits for `expectedResponses` answers. */
export async function replay(address: string, file: string, expectedResponses: number, scratch: string): Promise<ReplayResult> {
  const {host, port} = splitHostPort(address);
  await rm(scratch, {force: true});
  try {
    const r = await runOk(process.execPath, [join(GEN_DIR, 'replay.mjs'), host, String(port), file, String(expectedResponses), scratch]);
    const m = /ms ([\d.]+) cpu ([\d.]+)/.exec(r.stdout);
    if (!m) throw new Error(`replay.mjs printed no result: ${r.stdout.slice(0, 200)}`);
    return {ms: Number(m[1]), cpuSeconds: Number(m[2]), responses: await readFile(scratch)};
  } finally {
    await rm(scratch, {force: true});
  }
}
