/**
 * Protocol fuzzing of the embedded broker: for every API key and every version it advertises in
 * ApiVersions, a valid request is built from the schema (entity fields name the test's topic and
 * group so handlers get past their first checks; the unmutated request must be answered), then
 * mutated: truncated, bytes flipped, a string/bytes/array length or a varint set to -2, -1, huge or
 * past the end, a number field at an extreme, trailing garbage, garbage tagged fields, and for
 * Produce damage inside the record batch (none, gzip, lz4) with its CRC re-signed. Each variant
 * goes on its own connection, followed by an ApiVersions v0 "sentinel" so that a request that
 * legitimately gets no answer (Produce acks=0) is told apart from a hang. After each variant the
 * broker must still serve a fresh connection, have raised no uncaught exception or unhandled
 * rejection, have answered with the variant's correlation id or closed the connection within
 * TIMEOUT_MS, and have logged at most one line for it (group state changes aside), with no line
 * break in it and no handler exception ("request failed") behind it.
 *
 * Deterministic: every (api, version) draws from its own PRNG stream derived from the seed, and
 * failure messages print the seed, api, version, variant number and the variant's bytes.
 *   FUZZ_SEED=<int>    another seed (default 20261206)
 *   FUZZ_ROUNDS=<int>  mutated variants per api version (default 16; e.g. 200 for a long local run)
 */
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey, apiName, decodeRequest, decodeRequestHeader, encodeData, encodeRequest, isFlexible, requestSchema} from '../../src/protocol/api.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {Reader} from '../../src/protocol/reader.js';
import {inRange, type FieldSchema} from '../../src/protocol/schema.js';
import {encodeBatch} from '../../src/records/batch.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {crc32c} from '../../src/records/crc32c.js';
import {startTestBroker, type TestBroker} from './helpers/broker.js';
import {findCoordinator} from './helpers/coordinator.js';
import {WireClient} from './helpers/wire-client.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 16);
/** An answer or a close must come within this (the base requests never wait: maxWaitMs 0, no rebalance delay). */
const TIMEOUT_MS = 3000;
const SENTINEL_ID = 0x5e471e1;
const TOPIC = 'fuzz-events';
const GROUP = 'fuzz-group';

/** Group coordinator state changes that Kafka logs too; they are not about the bad connection. */
const GROUP_STATE_LINE = /^(Preparing to rebalance group|Stabilized group|Group .* is now empty|Member .* has failed)/s;

// ------------------------------------------------------------------ deterministic randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

// ------------------------------------------------------------------ valid base requests

/** The record batch of the base Produce requests: uncompressed, gzip or lz4 by version. */
let batches: Buffer[];
/** The test topic's id (Fetch v13+ names topics by id). */
let topicId: string;
/** The batch CRC covers everything from the attributes on. */
const BATCH_CRC_FROM = 21;

/** ConsumerProtocolSubscription v0 (version prefix included) for the test's topic. */
const SUBSCRIPTION = Buffer.concat([Buffer.from([0, 0]), encodeData('ConsumerProtocolSubscription', 0, {topics: [TOPIC], userData: null})]);

/** Values for one field of the base request: entity fields name the test's topic and group. */
function fieldValue(apiKey: number, f: FieldSchema, version: number, depth: number): unknown {
  const one = (): unknown => {
    switch (f.type) {
      case 'struct': return structValue(apiKey, f.fields ?? [], version, depth + 1);
      case 'records': return batches[version % batches.length];
      case 'uuid': return f.name === 'topicId' ? topicId : undefined;
      case 'string':
        if (f.entityType === 'topicName') return apiKey === ApiKey.DeleteTopics ? 'fuzz-absent' : TOPIC;
        if (f.entityType === 'groupId') return apiKey === ApiKey.DeleteGroups ? 'fuzz-absent-group' : GROUP;
        if (f.name === 'resourceName') return TOPIC;
        if (f.name === 'protocolType') return 'consumer';
        return undefined;
      default: return undefined;
    }
  };
  if (f.array) {
    if (depth > 3) return [];
    const v = one();
    return v === undefined ? (f.type === 'int32' ? [0] : []) : [v];
  }
  return one();
}

const INT_OVERRIDES: Record<string, number> = {
  acks: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, partitionMaxBytes: 1 << 16, timeoutMs: 1000,
  sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, numPartitions: 1, replicationFactor: 1,
  resourceType: 2, keyType: 0, fetchOffset: 0, transactionTimeoutMs: 60_000,
  // ACLs: TOPIC, LITERAL, ALL, ALLOW (UNKNOWN, the zero default, is refused before the handler).
  resourceTypeFilter: 2, patternType: 3, patternTypeFilter: 3, resourcePatternType: 3, operation: 2, permissionType: 3,
};

function structValue(apiKey: number, fields: readonly FieldSchema[], version: number, depth: number): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    if (!f.array && f.name in INT_OVERRIDES && f.type !== 'string') {
      obj[f.name] = f.type === 'int64' ? BigInt(INT_OVERRIDES[f.name]!) : INT_OVERRIDES[f.name];
      continue;
    }
    const v = fieldValue(apiKey, f, version, depth);
    if (v !== undefined) obj[f.name] = v;
  }
  return obj;
}

function baseRequest(apiKey: number, version: number, correlationId: number): Buffer {
  const body = structValue(apiKey, requestSchema(apiKey)!.fields, version, 0);
  if (apiKey === ApiKey.JoinGroup) {
    // A fresh group per request: a member left behind by an earlier variant would make the next
    // join wait for its rebalance (Kafka does the same), which is not what this test measures.
    body.groupId = `fuzz-join-${version}-${correlationId}`;
    // A real subscription, so flips inside it reach the broker's subscription parser.
    body.protocols = [{name: 'range', metadata: SUBSCRIPTION}];
  }
  return encodeRequest(apiKey, version, correlationId, 'fuzz', body);
}

// ------------------------------------------------------------------ where the length fields are

type SiteKind = 'int16' | 'int32' | 'varint' | 'value8' | 'value16' | 'value32' | 'value64';
interface Site {
  /** Offset in the frame (size prefix included). */
  at: number;
  kind: SiteKind;
}

/**
 * Decodes the request once with Reader's length readers traced, to learn where every string,
 * bytes and array length and every varint lies. Patching is synchronous, so the in-process
 * broker never sees the traced prototype.
 */
function lengthSites(frame: Buffer): Site[] {
  const sites: Site[] = [];
  const proto = Reader.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const traced: Record<string, SiteKind | 'array'> = {
    string: 'int16', nullableString: 'int16', bytes: 'int32', nullableBytes: 'int32', uvarint: 'varint', arrayLength: 'array',
    int8: 'value8', int16: 'value16', int32: 'value32', int64: 'value64',
  };
  const originals = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, kind] of Object.entries(traced)) {
    const original = proto[name]!;
    originals.set(name, original);
    proto[name] = function (this: Reader, ...args: unknown[]) {
      // Compact array lengths are uvarints and are traced there.
      if (kind !== 'array') sites.push({at: this.offset + 4, kind});
      else if (!args[0]) sites.push({at: this.offset + 4, kind: 'int32'});
      return original.apply(this, args);
    };
  }
  try {
    const body = frame.subarray(4);
    const {header, bodyOffset} = decodeRequestHeader(body);
    decodeRequest(header.apiKey, header.apiVersion, body, bodyOffset);
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
  // A length is read through int16/int32 too: keep the length, drop the plain value at its offset.
  const lengths = new Set(sites.filter((s) => !s.kind.startsWith('value')).map((s) => s.at));
  return sites.filter((s) => !s.kind.startsWith('value') || !lengths.has(s.at));
}

function uvarint(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

function varintLength(buf: Buffer, at: number): number {
  let n = 1;
  while (at + n - 1 < buf.length && (buf[at + n - 1]! & 0x80) !== 0 && n < 10) n++;
  return n;
}

function resized(body: Buffer): Buffer {
  const frame = Buffer.alloc(4 + body.length);
  frame.writeInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

// ------------------------------------------------------------------ mutations

interface Variant {
  kind: string;
  frame: Buffer;
}

function mutate(base: Buffer, allSites: Site[], flexible: boolean, rng: Rng): Variant {
  const body = base.subarray(4);
  const sites = allSites.filter((s) => !s.kind.startsWith('value'));
  const values = allSites.filter((s) => s.kind.startsWith('value'));
  const batch0 = batches.find((b) => body.includes(b)) ?? batches[0]!;
  const batchAt = body.indexOf(batch0);
  const choices = ['truncate', 'flip', 'length', 'length', 'value', 'value', 'trailing', ...(flexible ? ['tagged', 'tagged'] : []),
    ...(batchAt >= 0 ? ['batch', 'batch', 'batch'] : [])];
  const kind = rng.pick(choices);
  switch (kind) {
    case 'truncate':
      return {kind: 'truncate', frame: resized(body.subarray(0, rng.int(body.length)))};
    case 'flip': {
      const out = Buffer.from(body);
      const flips = 1 + rng.int(4);
      // Past the api key and version half the time, so most flips reach the body decoder.
      for (let i = 0; i < flips; i++) out[(rng.int(2) === 0 ? 4 : 0) + rng.int(out.length - 4)] = rng.int(256);
      return {kind: `flip x${flips}`, frame: resized(out)};
    }
    case 'length': {
      if (sites.length === 0) return mutate(base, allSites, flexible, rng);
      const site = rng.pick(sites);
      const at = site.at - 4;
      const left = body.length - at;
      let replacement: Buffer;
      let width: number;
      let label: string;
      if (site.kind === 'varint') {
        width = varintLength(body, at);
        const value = rng.pick([0, 0xffffffff, 0xfffffffe, 0x7fffffff, left + 1, left + 100, -1]);
        // -1: an over-long varint whose fifth byte still has the continuation bit.
        replacement = value === -1 ? Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) : uvarint(value);
        label = `varint@${at}=${value}`;
      } else {
        width = site.kind === 'int16' ? 2 : 4;
        const value = rng.pick([-2, -1, left + 1, site.kind === 'int16' ? 0x7fff : 0x7fffffff, site.kind === 'int16' ? -32768 : -2147483648]);
        replacement = Buffer.alloc(width);
        if (width === 2) replacement.writeInt16BE(value);
        else replacement.writeInt32BE(value);
        label = `${site.kind}@${at}=${value}`;
      }
      return {kind: `length ${label}`, frame: resized(Buffer.concat([body.subarray(0, at), replacement, body.subarray(at + width)]))};
    }
    case 'value': {
      // A number field (partition, offset, timeout, count, enum...) at an extreme.
      if (values.length === 0) return mutate(base, allSites, flexible, rng);
      const site = rng.pick(values);
      const at = site.at - 4;
      const out = Buffer.from(body);
      const extreme = rng.pick(['min', 'max', '-1', '0', 'random'] as const);
      const width = {value8: 1, value16: 2, value32: 4, value64: 8}[site.kind as 'value8']!;
      if (extreme === 'random') rng.bytes(width).copy(out, at);
      else if (width === 8) out.writeBigInt64BE({min: -(2n ** 63n), max: 2n ** 63n - 1n, '-1': -1n, '0': 0n}[extreme], at);
      else {
        const bits = width * 8 - 1;
        out.writeIntBE({min: -(2 ** bits), max: 2 ** bits - 1, '-1': -1, '0': 0}[extreme], at, width);
      }
      return {kind: `value ${site.kind}@${at}=${extreme}`, frame: resized(out)};
    }
    case 'batch': {
      // Inside the record batch, with its CRC recomputed so the damage reaches the record decoder,
      // the decompressors and the producer-state checks instead of stopping at CORRUPT_MESSAGE.
      const out = Buffer.from(body);
      const batch = out.subarray(batchAt, batchAt + batch0.length);
      const what = rng.pick(['byte', 'byte', 'codec', 'count', 'batchLength', 'lastOffsetDelta', 'producer', 'magic'] as const);
      switch (what) {
        case 'byte': for (let i = 1 + rng.int(3); i > 0; i--) batch[BATCH_CRC_FROM + rng.int(batch.length - BATCH_CRC_FROM)] = rng.int(256); break;
        case 'codec': batch.writeInt16BE((batch.readInt16BE(21) & ~7) | (1 + rng.int(7)), 21); break;
        case 'count': batch.writeInt32BE(rng.pick([-1, 0, 2, 1000, 0x7fffffff, -0x80000000]), 57); break;
        case 'batchLength': batch.writeInt32BE(rng.pick([-1, 0, 9, batch.length - 13, batch.length, 0x7fffffff]), 8); break;
        case 'lastOffsetDelta': batch.writeInt32BE(rng.pick([-1, 5, 0x7fffffff]), 23); break;
        case 'producer':
          batch.writeBigInt64BE(rng.pick([-1n, 0n, 12345n, 2n ** 63n - 1n]), 43);
          batch.writeInt16BE(rng.pick([-1, 0, 0x7fff]), 51);
          batch.writeInt32BE(rng.pick([-1, 0, 0x7fffffff]), 53);
          break;
        case 'magic': batch[16] = rng.pick([0, 1, 3, 0xff]); break;
      }
      batch.writeUInt32BE(crc32c(batch.subarray(BATCH_CRC_FROM)), 17);
      return {kind: `batch ${what}`, frame: resized(out)};
    }
    case 'trailing':
      return {kind: 'trailing', frame: resized(Buffer.concat([body, rng.bytes(1 + rng.int(16))]))};
    default: {
      // The top-level tagged-field section is the last varint; replace it with garbage fields:
      // known or unknown tags, sizes past the end, contents that do not parse as the field.
      const varints = sites.filter((s) => s.kind === 'varint');
      const site = varints[varints.length - 1]!;
      const at = site.at - 4;
      const count = 1 + rng.int(3);
      const parts: Buffer[] = [uvarint(rng.pick([count, count + 50, 0xffffffff]))];
      for (let i = 0; i < count; i++) {
        const content = rng.bytes(rng.int(12));
        parts.push(uvarint(rng.pick([0, 1, 2, 3, rng.int(1000)])));
        parts.push(uvarint(rng.pick([content.length, content.length + 7, 0xffffffff])));
        parts.push(content);
      }
      return {kind: 'tagged', frame: resized(Buffer.concat([body.subarray(0, at), ...parts]))};
    }
  }
}

// ------------------------------------------------------------------ sending and judging

interface Outcome {
  /** Correlation ids of the frames received, in order. */
  responses: number[];
  closed: boolean;
  timedOut: boolean;
}

function probe(port: number, variant: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const responses: number[] = [];
    let buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (closed: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({responses, closed, timedOut});
    };
    const timer = setTimeout(() => finish(false, true), TIMEOUT_MS);
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true, false));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8 && buffer.length >= 4 + buffer.readInt32BE(0)) {
        const id = buffer.readInt32BE(4);
        responses.push(id);
        buffer = buffer.subarray(4 + buffer.readInt32BE(0));
        if (id === SENTINEL_ID) finish(false, false);
      }
    });
    socket.on('connect', () => {
      socket.write(variant);
      socket.write(encodeRequest(ApiKey.ApiVersions, 0, SENTINEL_ID, null, {}));
    });
  });
}

/**
 * Whether a variant that got neither answer nor close is a Fetch Kafka would park too: maxWaitMs
 * beyond the timeout and minBytes above what its partitions could ever return (a flipped byte in
 * either field). Any partition the broker does not have is an error, answered at once.
 */
function isUnsatisfiableFetch(frame: Buffer): boolean {
  try {
    const body = frame.subarray(4);
    const {header, bodyOffset} = decodeRequestHeader(body);
    if (header.apiKey !== ApiKey.Fetch) return false;
    const request = decodeRequest(header.apiKey, header.apiVersion, body, bodyOffset);
    if (request.maxWaitMs <= TIMEOUT_MS) return false;
    let readable = 0;
    for (const t of request.topics as {topic: string; topicId: string; partitions: {partition: number; partitionMaxBytes: number}[]}[]) {
      const name = header.apiVersion >= 13 ? tb.broker.topics.getById(t.topicId)?.name : t.topic;
      for (const p of t.partitions) {
        const log = name === undefined ? undefined : tb.broker.topics.getLog(name, p.partition);
        if (!log) return false;
        readable += Math.min(Math.max(p.partitionMaxBytes, 0), log.sizeInBytes);
      }
    }
    return request.minBytes > readable;
  } catch {
    return false;
  }
}

/** Whether a variant that got no response is a request Kafka answers with nothing (acks=0). */
function isAcksZeroProduce(frame: Buffer): boolean {
  try {
    const body = frame.subarray(4);
    const {header, bodyOffset} = decodeRequestHeader(body);
    return header.apiKey === ApiKey.Produce && decodeRequest(header.apiKey, header.apiVersion, body, bodyOffset).acks === 0;
  } catch {
    return false;
  }
}

const processErrors: string[] = [];
const onUncaught = (err: unknown) => processErrors.push(`uncaught exception: ${(err as Error)?.stack ?? String(err)}`);
const onRejection = (err: unknown) => processErrors.push(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`);

let tb: TestBroker;

/** An ApiVersions round trip on a fresh connection, within TIMEOUT_MS. */
async function stillServes(): Promise<boolean> {
  const client = await WireClient.connect(tb.broker.port);
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = client.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 'fuzz', clientSoftwareVersion: '1'})
      .then((res) => res.errorCode === ErrorCode.NONE, () => false);
    return await Promise.race([answer, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), TIMEOUT_MS)))]);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);
  tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0'});
  await tb.broker.topics.createTopic(TOPIC, {numPartitions: 2, replicationFactor: 1, configs: {}});
  topicId = tb.broker.topics.getLog(TOPIC, 0)!.topicId;
  const sample = [
    {value: Buffer.from('fuzz')},
    {key: Buffer.from('k'), value: Buffer.from('with a key and a header'), headers: [{key: 'h', value: Buffer.from('v')}]},
    {key: Buffer.from('tombstone'), value: null},
  ];
  batches = await Promise.all([CompressionType.None, CompressionType.Gzip, CompressionType.Lz4]
    .map((compression) => encodeBatch({records: sample, compression})));
  const wire = await WireClient.connect(tb.broker.port);
  for (const partition of [0, 1]) {
    const res = await wire.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 1000,
      topicData: [{name: TOPIC, partitionData: [{index: partition, records: await encodeBatch({records: [{value: Buffer.from('data')}]})}]}]});
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
  }
  await findCoordinator(wire, GROUP);
  const commit = await wire.request(ApiKey.OffsetCommit, 2, {groupId: GROUP, generationIdOrMemberEpoch: -1, memberId: '',
    retentionTimeMs: -1n, topics: [{name: TOPIC, partitions: [{partitionIndex: 0, committedOffset: 1n, committedMetadata: ''}]}]});
  expect(commit.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  wire.close();
}, 30_000);

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onRejection);
  await tb?.cleanup();
});

describe(`protocol fuzz (FUZZ_SEED=${SEED}, FUZZ_ROUNDS=${ROUNDS})`, () => {
  it('survives mutated requests of every advertised api and version', async () => {
    const wire = await WireClient.connect(tb.broker.port);
    const advertised = (await wire.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 'fuzz', clientSoftwareVersion: '1'})).apiKeys as
      {apiKey: number; minVersion: number; maxVersion: number}[];
    wire.close();
    expect(advertised.length).toBeGreaterThan(20);

    const failures: string[] = [];
    let variants = 0;
    let correlationId = 1000;
    for (const {apiKey, minVersion, maxVersion} of advertised) {
      for (let version = minVersion; version <= maxVersion; version++) {
        // The unmutated request must be one the broker answers: mutations start from a request that
        // reaches its handler.
        const baseId = correlationId++;
        const baseOutcome = await probe(tb.broker.port, baseRequest(apiKey, version, baseId));
        if (baseOutcome.responses[0] !== baseId) {
          failures.push(`${apiName(apiKey)} v${version}: the unmutated request got ${JSON.stringify(baseOutcome)} (builder bug?)`);
        }
        const rng = new Rng((SEED ^ Math.imul(apiKey + 1, 0x9e3779b1) ^ Math.imul(version + 1, 0x85ebca6b)) >>> 0);
        for (let round = 0; round < ROUNDS; round++) {
          const id = correlationId++;
          const base = baseRequest(apiKey, version, id);
          const variant = mutate(base, lengthSites(base), isFlexible(apiKey, version), rng);
          variants++;
          const sentId = variant.frame.length >= 12 ? variant.frame.readInt32BE(8) : null;
          const where = `seed=${SEED} ${apiName(apiKey)} v${version} variant #${round} (${variant.kind}) bytes=${variant.frame.toString('hex')}`;
          const logBefore = tb.logLines.length;
          const outcome = await probe(tb.broker.port, variant.frame);
          const problems: string[] = [];
          if (outcome.timedOut && !isUnsatisfiableFetch(variant.frame)) problems.push(`no answer and no close within ${TIMEOUT_MS} ms`);
          const answers = outcome.responses.filter((r, i) => !(r === SENTINEL_ID && i === outcome.responses.length - 1));
          if (answers.length > 1) problems.push(`${answers.length} responses to one request`);
          if (answers.length === 1 && answers[0] !== sentId) problems.push(`answer has correlation id ${answers[0]}, request had ${sentId}`);
          if (!outcome.closed && !outcome.timedOut && answers.length === 0 && !isAcksZeroProduce(variant.frame)) {
            problems.push('request got no answer, yet the connection stayed open');
          }
          if (!(await stillServes())) problems.push('a fresh connection is not served');
          const logged = tb.logLines.slice(logBefore);
          const lines = logged.filter((l) => !GROUP_STATE_LINE.test(l));
          if (lines.length > 1) problems.push(`${lines.length} log lines: ${JSON.stringify(lines)}`);
          // A request that decodes must get Kafka's error code, not an exception out of its handler.
          const threw = logged.filter((l) => /: request failed: /.test(l));
          if (threw.length > 0) problems.push(`a handler threw: ${JSON.stringify(threw)}`);
          // A client-chosen string (group id, client id) must not break a log line in several.
          const broken = logged.filter((l) => /[\r\n\u2028\u2029]/.test(l));
          if (broken.length > 0) problems.push(`log line spans several lines: ${JSON.stringify(broken)}`);
          if (processErrors.length > 0) problems.push(...processErrors.splice(0));
          if (problems.length > 0) failures.push(`${where}: ${problems.join('; ')}`);
        }
      }
    }
    expect(variants).toBeGreaterThan(100);
    // The base Produce requests (and the mutations that kept them valid) were appended: the handlers
    // were reached, not only the decoder.
    expect(tb.broker.topics.getLog(TOPIC, 0)!.logEndOffset).toBeGreaterThan(30n);
    expect(failures, failures.join('\n')).toEqual([]);
  }, Math.max(120_000, ROUNDS * 2_000));
});
