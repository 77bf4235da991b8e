/**
 * Producing records read from a stream. kafkajs does the sending: it negotiates Produce versions,
 * frames acks=0 requests that get no response, routes to partition leaders and retries on leader
 * changes; the project's own client only looks the topic up first (auto-creation and
 * max.message.bytes, which kafkajs does not expose). Records are grouped into requests that stay
 * under the topic's size limit, and the next request is filled while the previous one is in
 * flight, with one request outstanding at a time so that a retry can never reorder records.
 */
import {IHeaders, Message, Partitioners, Producer, RecordMetadata} from 'kafkajs';
import {ClusterClient} from '../../client/cluster-client.js';
import {ConnectionOptions} from '../../client/connection.js';
import {createKafka, describeConnectionFailure, withTimeout} from '../../client/kafka.js';
import {KstreamError} from '../../output/errors.js';
import {CompressionName, kafkajsCompression, registerCompressionCodecs} from './codecs.js';
import {InputRecord} from './input.js';
import {PartitionChooser} from './partitioning.js';
import {produceTarget, ProduceTarget} from './topic-info.js';

export type AcksName = '0' | '1' | 'all';

export interface ProduceOptions {
  /** Send every record to this partition (default: by key, keyless sticky per request). */
  partition?: number;
  headers: Array<{key: string; value: Buffer}>;
  compression: CompressionName;
  acks: AcksName;
  /** Record timestamp in epoch ms for every record (default: the time of sending). */
  timestampMs?: number;
  /** Produce empty values as null: tombstones for compacted topics (kcat -Z). */
  emptyAsNull?: boolean;
  /** At most this many records per request. */
  maxBatchRecords?: number;
}

export interface PartitionResult {
  partition: number;
  records: number;
  /** Offsets the broker assigned; null with acks=0, which gets no answer. */
  firstOffset: bigint | null;
  lastOffset: bigint | null;
}

export interface ProduceSummary {
  topic: string;
  records: number;
  /** Bytes of keys, values and header values produced, before compression. */
  bytes: number;
  compression: CompressionName;
  acks: AcksName;
  /** The broker created the topic on first use. */
  autoCreated: boolean;
  partitions: PartitionResult[];
}

/** Record-level overhead in a v2 batch is at most ~21 bytes plus header keys; be generous. */
const RECORD_OVERHEAD = 32;
/** Batch header plus the request's own framing, kept free below max.message.bytes. */
const BATCH_HEADROOM = 512;
const MAX_REQUEST_BYTES = 1 << 20;

interface Pending {
  records: InputRecord[];
  bytes: number;
}

export async function produce(conn: ConnectionOptions, topic: string, input: AsyncIterable<InputRecord>, options: ProduceOptions): Promise<ProduceSummary> {
  registerCompressionCodecs();
  const target = await ClusterClient.with(conn, (cluster) => produceTarget(cluster, topic));
  if (options.partition !== undefined && !target.partitions.includes(options.partition)) {
    throw new KstreamError(`topic "${topic}" has no partition ${options.partition}`, {exitCode: 2, hint: `Its partitions are 0 to ${target.partitions.length - 1}`});
  }
  const producer = createKafka(conn, 'kstream-producer').producer({createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false});
  await withTimeout(conn, 'connecting', () => producer.connect());
  try {
    return await run(conn, producer, target, input, options);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

async function run(conn: ConnectionOptions, producer: Producer, target: ProduceTarget, input: AsyncIterable<InputRecord>, options: ProduceOptions): Promise<ProduceSummary> {
  const chooser = new PartitionChooser(target.topic, target.partitions, options.partition);
  const headers = kafkajsHeaders(options.headers);
  const headerBytes = options.headers.reduce((n, h) => n + h.key.length + h.value.length, 0);
  const compression = kafkajsCompression(options.compression);
  const maxBatchBytes = Math.max(1, Math.min(MAX_REQUEST_BYTES, target.maxMessageBytes - BATCH_HEADROOM));
  const maxBatchRecords = options.maxBatchRecords ?? 10_000;
  const results = new Map<number, PartitionResult>();
  const summary: ProduceSummary = {
    topic: target.topic, records: 0, bytes: 0, compression: options.compression, acks: options.acks, autoCreated: target.autoCreated, partitions: [],
  };

  let inFlight: Promise<void> = Promise.resolve();
  const send = (batch: Pending): void => {
    const previous = inFlight;
    inFlight = previous.then(async () => {
      const messages: Message[] = batch.records.map((r) => {
        const value = options.emptyAsNull && r.value.length === 0 ? null : r.value;
        const m: Message = {key: r.key, value, partition: chooser.choose(r.key), headers};
        if (options.timestampMs !== undefined) m.timestamp = String(options.timestampMs);
        return m;
      });
      chooser.nextBatch();
      let metadata: RecordMetadata[];
      try {
        metadata = await producer.send({topic: target.topic, messages, acks: acksNumber(options.acks), compression});
      } catch (err) {
        throw produceError(err, conn, target, batch, summary.records);
      }
      record(results, messages, metadata);
      summary.records += batch.records.length;
      summary.bytes += batch.bytes;
    });
    // Keep an early failure from being reported as unhandled while the next batch is read.
    inFlight.catch(() => undefined);
  };

  let batch: Pending = {records: [], bytes: 0};
  for await (const r of input) {
    const size = (r.key?.length ?? 0) + r.value.length + headerBytes;
    if (batch.records.length > 0 && (batch.bytes + size + RECORD_OVERHEAD * (batch.records.length + 1) > maxBatchBytes || batch.records.length >= maxBatchRecords)) {
      // The previous request must finish first; the batch just filled was read while it was sending.
      await inFlight;
      send(batch);
      batch = {records: [], bytes: 0};
    }
    batch.records.push(r);
    batch.bytes += size;
  }
  if (batch.records.length > 0) send(batch);
  await inFlight;
  summary.partitions = [...results.values()].sort((a, b) => a.partition - b.partition);
  return summary;
}

function acksNumber(acks: AcksName): number {
  return acks === 'all' ? -1 : Number(acks);
}

/** -H flags as kafkajs headers; a repeated key becomes a list, which kafkajs writes in order. */
function kafkajsHeaders(list: Array<{key: string; value: Buffer}>): IHeaders | undefined {
  if (list.length === 0) return undefined;
  const headers: Record<string, Buffer[]> = {};
  for (const h of list) (headers[h.key] ??= []).push(h.value);
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

function record(results: Map<number, PartitionResult>, messages: Message[], metadata: RecordMetadata[]): void {
  const counts = new Map<number, number>();
  for (const m of messages) counts.set(m.partition!, (counts.get(m.partition!) ?? 0) + 1);
  for (const [partition, count] of counts) {
    const r = results.get(partition) ?? {partition, records: 0, firstOffset: null, lastOffset: null};
    const answer = metadata.find((md) => md.partition === partition);
    if (answer?.baseOffset !== undefined) {
      const base = BigInt(answer.baseOffset);
      r.firstOffset ??= base;
      r.lastOffset = base + BigInt(count) - 1n;
    }
    r.records += count;
    results.set(partition, r);
  }
}

/** The Kafka error type behind a kafkajs error (kafkajs wraps protocol errors in retry errors). */
function kafkaErrorType(err: unknown): string | undefined {
  for (let e = err as {type?: string; cause?: unknown; originalError?: unknown} | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string') return e.type;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  const message = (err as Error)?.message ?? '';
  if (/larger than the max message size/.test(message)) return 'MESSAGE_TOO_LARGE';
  if (/message batch larger than the configured segment size/.test(message)) return 'RECORD_LIST_TOO_LARGE';
  return undefined;
}

function produceError(err: unknown, conn: ConnectionOptions, target: ProduceTarget, batch: Pending, producedBefore: number): KstreamError {
  const type = kafkaErrorType(err);
  const done = producedBefore > 0 ? ` (the ${producedBefore} records before it were produced)` : '';
  if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') {
    const largest = batch.records.reduce((a, b) => ((b.key?.length ?? 0) + b.value.length > (a.key?.length ?? 0) + a.value.length ? b : a));
    const size = (largest.key?.length ?? 0) + largest.value.length;
    return new KstreamError(
      `${type}: record ${largest.index} (${size} bytes) is over the limit of topic "${target.topic}", max.message.bytes=${target.maxMessageBytes}${done}`,
      {hint: `Compress with -z zstd, or raise the limit: kstream topics alter-config ${target.topic} --set max.message.bytes=N`, cause: err},
    );
  }
  if (type) return new KstreamError(`producing to "${target.topic}" failed: ${type} (${(err as Error).message})${done}`, {cause: err});
  const failure = describeConnectionFailure(err, conn);
  return new KstreamError(`producing to "${target.topic}" failed: ${failure.message}${done}`, {hint: failure.hint, cause: err});
}
