/**
 * Fetch round trips without a client library's own costs: one raw socket sends Fetch requests
 * encoded by the project's codec one after the other (1 MiB per partition, like librdkafka's
 * default fetch.message.max.bytes) from offset 0 to the end. Each response is timed to its first
 * byte (the broker's work before it writes) and to its last byte; it is decoded after the clock stops.
 */
import {connect as netConnect, type Socket} from 'node:net';
import {once} from 'node:events';
import {join} from 'node:path';
import {ApiKey, decodeResponse, encodeRequest} from '../../../src/protocol/api.js';
import {splitHostPort} from '../../../src/client/protocol-client.js';
import {median} from './stats.js';
import {runOk} from './proc.js';

const PARTITION_MAX_BYTES = 1 << 20;
// Fetch v12 still names topics (v13+ uses topic ids), which keeps this loop independent of Metadata.
const FETCH_VERSION = 12;

/** Offset after the last complete batch in a record set (v2 batch header: baseOffset, length, ..., lastOffsetDelta at 23). */
export function nextOffset(records: Buffer, fallback: bigint): bigint {
  let next = fallback;
  for (let pos = 0; pos + 27 <= records.length;) {
    const size = records.readInt32BE(pos + 8) + 12;
    if (pos + size > records.length) break;
    next = records.readBigInt64BE(pos) + BigInt(records.readInt32BE(pos + 23)) + 1n;
    pos += size;
  }
  return next;
}

/** A Fetch v12 request for partition 0 of `topic` from `offset`, size prefix included. */
export function fetchRequest(topic: string, offset: bigint, correlationId: number): Buffer {
  return encodeRequest(ApiKey.Fetch, FETCH_VERSION, correlationId, 'bench-fetch', {
    replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 50 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: PARTITION_MAX_BYTES}]}],
    forgottenTopicsData: [], rackId: '',
  });
}

/** One request on `socket`; resolves with the whole response frame (size prefix removed) and its timings. */
export function roundTrip(socket: Socket, request: Buffer): Promise<{frame: Buffer; firstByteMs: number; lastByteMs: number}> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let firstByteMs = -1;
    const chunks: Buffer[] = [];
    let have = 0;
    const onData = (chunk: Buffer) => {
      if (firstByteMs < 0) firstByteMs = performance.now() - t0;
      chunks.push(chunk);
      have += chunk.length;
      const head = chunks[0]!.length >= 4 ? chunks[0]! : Buffer.concat(chunks);
      if (have < 4 || have < 4 + head.readInt32BE(0)) return;
      const lastByteMs = performance.now() - t0;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve({frame: Buffer.concat(chunks).subarray(4), firstByteMs, lastByteMs});
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(request);
  });
}

export interface FetchLoopResult {
  ms: number;
  bytes: number;
  requests: number;
  /** Medians per Fetch: time to the response's first byte, and to its last. */
  firstByteMs: number;
  lastByteMs: number;
}

export async function fetchLoop(address: string, topic: string, endOffset: bigint): Promise<FetchLoopResult> {
  const {host, port} = splitHostPort(address);
  const socket = netConnect({host, port});
  await once(socket, 'connect');
  socket.setNoDelay(true);
  let offset = 0n;
  let bytes = 0;
  const first: number[] = [];
  const last: number[] = [];
  try {
    while (offset < endOffset) {
      const request = fetchRequest(topic, offset, first.length + 1);
      const {frame, firstByteMs, lastByteMs} = await roundTrip(socket, request);
      first.push(firstByteMs);
      last.push(lastByteMs);
      const response = decodeResponse(ApiKey.Fetch, FETCH_VERSION, frame).body as any;
      const p = response.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`Fetch ${topic} at ${offset}: error ${p.errorCode}`);
      const records: Buffer = p.records ?? Buffer.alloc(0);
      const next = nextOffset(records, offset);
      if (next === offset) throw new Error(`Fetch ${topic} at ${offset}: no complete batch in ${records.length} bytes`);
      offset = next;
      bytes += records.length;
    }
  } finally {
    socket.destroy();
  }
  // Decoding is inside the loop, so report throughput from the time on the wire only.
  const wireMs = last.reduce((a, b) => a + b, 0);
  return {ms: wireMs, bytes, requests: last.length, firstByteMs: median(first), lastByteMs: median(last)};
}

/** Where fetchRequest() puts the fetch offset: found by encoding two offsets and comparing. */
export function fetchOffsetPosition(topic: string): number {
  const a = fetchRequest(topic, 0n, 1);
  const b = fetchRequest(topic, 0x0102030405060708n, 1);
  if (a.length !== b.length) throw new Error('the fetch offset changed the request length');
  const pos = b.indexOf(Buffer.from('0102030405060708', 'hex'));
  if (pos < 0 || !a.subarray(pos, pos + 8).equals(Buffer.alloc(8)) || b.indexOf(Buffer.from('0102030405060708', 'hex'), pos + 1) >= 0) {
    throw new Error('cannot locate the fetch offset in the request');
  }
  return pos;
}

export interface RawFetchResult {
  /** Wall time from the first connect until every connection has read to the end. */
  ms: number;
  /** Bytes of complete batches received, all connections together, and per connection. */
  bytes: number;
  perConnection: number[];
  requests: number;
  /** CPU seconds of the fetching process over `ms`. */
  cpuSeconds: number;
}

/**
 * `connections` raw sockets at once (gen/fetch.mjs, one Node process like drain.mjs), each reading
 * partition 0 of `topic` from offset 0 to `endOffset` with the same sequential Fetch requests as
 * fetchLoop(), discarding the records.
 */
export async function rawFetch(address: string, topic: string, endOffset: bigint, connections: number): Promise<RawFetchResult> {
  const {host, port} = splitHostPort(address);
  const template = fetchRequest(topic, 0n, 1).toString('hex');
  const r = await runOk(process.execPath, [join(import.meta.dirname, '..', 'gen', 'fetch.mjs'), host, String(port), String(connections),
    String(endOffset), template, String(fetchOffsetPosition(topic))]);
  const m = /bytes (\d+) ms ([\d.]+) cpu ([\d.]+) requests (\d+) per-connection ([\d,]+)/.exec(r.stdout);
  if (!m) throw new Error(`fetch.mjs printed no result: ${r.stdout.slice(0, 200)}`);
  return {bytes: Number(m[1]), ms: Number(m[2]), cpuSeconds: Number(m[3]), requests: Number(m[4]), perConnection: m[5]!.split(',').map(Number)};
}
