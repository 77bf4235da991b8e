/**
 * Fetch (key 1), v0-v17.
 * - Long polling: if fewer than min_bytes are available the request waits up to max_wait_ms,
 *   woken by appends to its partitions (TopicManager.appends), never by a polling loop.
 * - max_bytes (v3+, capped by fetch.max.bytes) and partition_max_bytes, KIP-74's "at least one
 *   batch" rule for v3+; v0-v2 return nothing for a partition whose next batch is too big.
 * - Errors per partition: UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID (v13+, topics by id),
 *   OFFSET_OUT_OF_RANGE, FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH (v9+ current leader epoch).
 * - Isolation (v4+): without transactions the last stable offset is the high watermark;
 *   read_committed gets an empty aborted-transactions list, read_uncommitted null.
 * - v7+ incremental fetch sessions (fetch/fetch-session.ts).
 * - v0-v3 get legacy message sets (magic 0 for v0-v1, magic 1 for v2-v3) down-converted from the
 *   stored v2 batches, and v0-v9 UNSUPPORTED_COMPRESSION_TYPE for zstd, as Kafka 3.x
 *   (fetch/down-convert.ts).
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {defineHandler, HandlerContext} from '../handler.js';
import type {FetchContext, FetchTarget} from '../fetch/fetch-session.js';
import {PartitionRead, readPartitions} from '../fetch/read-partitions.js';
import {convertForOldFetcher, needsConversion} from '../fetch/down-convert.js';
import {partitionKey} from '../topics/append-notifier.js';
import {ReadArena} from '../../storage/read-arena.js';

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: {topic: string; topicId: string; partitions: {partition: number; currentLeaderEpoch: number; fetchOffset: bigint; partitionMaxBytes: number}[]}[];
  forgottenTopicsData: {topic: string; topicId: string; partitions: number[]}[];
}

const READ_COMMITTED = 1;

export const handler = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 0,
  maxVersion: 17,
  handle: async (request: FetchRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const byTopicId = version >= 13;
    const keyOf = (t: {topic: string; topicId: string}) => (byTopicId ? t.topicId : t.topic);
    // Plain loops: a Fetch of 10,000 partitions is often the first to run this code, and a
    // callback per partition ran cold for most of them (13 ms of the first such Fetch in a profile, 1 ms later).
    const targets: FetchTarget[] = [];
    for (const t of request.topics) {
      const topicKey = keyOf(t);
      for (const p of t.partitions) {
        targets.push({topicKey, partition: p.partition, fetchOffset: p.fetchOffset, maxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch});
      }
    }
    const context: FetchContext = version >= 7
      ? ctx.broker.fetchSessions.newContext({
        sessionId: request.sessionId,
        sessionEpoch: request.sessionEpoch,
        targets,
        forgotten: request.forgottenTopicsData.map((f) => ({topicKey: keyOf(f), partitions: f.partitions})),
      })
      : {kind: 'full', targets, session: null};
    if (context.kind === 'error') {
      return {throttleTimeMs: 0, errorCode: context.errorCode, sessionId: 0, responses: [], nodeEndpoints: []};
    }
    const reads = await readWithWait(context.targets, request, ctx);
    const readCommitted = version >= 4 && request.isolationLevel === READ_COMMITTED;
    let included = reads.filter((r) => {
      if (!context.session) return true;
      const news = context.session.update(r.target.topicKey, r.target.partition, {
        errorCode: r.errorCode, highWatermark: r.highWatermark, lastStableOffset: r.lastStableOffset,
        logStartOffset: r.logStartOffset, recordBytes: r.records.length,
      });
      return context.kind === 'full' || news;
    });
    // As Kafka's createResponse: the session tracks the unconverted data; only what is sent is converted.
    if (needsConversion(version)) included = await convertForOldFetcher(included, version, ctx.broker);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: context.session?.id ?? 0,
      responses: groupByTopic(included, readCommitted),
      nodeEndpoints: [],
    };
  },
});

/** Read; while fewer than min_bytes are there, wait for an append (or the deadline) and read again. */
async function readWithWait(targets: FetchTarget[], request: FetchRequest, ctx: HandlerContext): Promise<PartitionRead[]> {
  const {broker} = ctx;
  const version = ctx.header.apiVersion;
  const options = {
    arena: (ctx.arena ??= new ReadArena()),
    byTopicId: version >= 13,
    maxBytes: version >= 3 ? Math.min(request.maxBytes, broker.config.fetchMaxBytes) : 0x7fffffff,
    minOneBatch: version >= 3,
    log: (line: string) => broker.log(line),
  };
  const deadline = broker.now() + Math.max(0, request.maxWaitMs);
  for (;;) {
    const reads = await readPartitions(broker.topics, targets, options);
    const bytes = reads.reduce((sum, r) => sum + r.records.length, 0);
    const remainingMs = deadline - broker.now();
    // As Kafka's DelayedFetch: an error, or a read stopped by a segment end (case F), answers at once.
    const done = request.maxWaitMs <= 0 || targets.length === 0 || bytes >= request.minBytes
      || reads.some((r) => r.errorCode !== ErrorCode.NONE || r.olderSegment) || remainingMs <= 0 || broker.closing.aborted;
    if (done) return reads;
    // Subscribed only now, so a fetch answered at once never subscribes (a key per partition: in
    // a CPU profile of five 10,000-partition fetches, 70 ms in subscribing). What changed between
    // the read and the subscription shows as a partition whose high watermark or log start offset
    // moved (or whose topic is gone), and is read at once.
    let woken!: () => void;
    const changed = new Promise<void>((resolve) => (woken = resolve));
    const keys = targets.map((t) => {
      const name = options.byTopicId ? broker.topics.getById(t.topicKey)?.name ?? '' : t.topicKey;
      return partitionKey(name, t.partition);
    });
    const unsubscribe = broker.topics.appends.subscribe(keys, woken);
    options.arena.release(); // these reads are dropped: the next ones replace them
    try {
      if (!movedSince(reads, broker, options.byTopicId)) await waitFor(changed, remainingMs, broker.closing);
      if (broker.now() >= deadline || broker.closing.aborted) return await readPartitions(broker.topics, targets, options);
    } finally {
      unsubscribe();
    }
  }
}

/** Whether a partition read has changed since (an append, DeleteRecords, its topic deleted). */
function movedSince(reads: PartitionRead[], broker: HandlerContext['broker'], byTopicId: boolean): boolean {
  for (const r of reads) {
    const topic = byTopicId ? broker.topics.getById(r.target.topicKey) : broker.topics.get(r.target.topicKey);
    const log = topic && broker.topics.readView(topic.name, r.target.partition);
    if (!log || log.highWatermark !== r.highWatermark || log.logStartOffset !== r.logStartOffset) return true;
  }
  return false;
}

function waitFor(changed: Promise<void>, ms: number, closing: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    const onAbort = () => finish();
    closing.addEventListener('abort', onAbort, {once: true});
    void changed.then(finish);
    function finish() {
      clearTimeout(timer);
      closing.removeEventListener('abort', onAbort);
      resolve();
    }
  });
}

/** Consecutive partitions of one topic share a topic entry, as in Kafka's FetchResponse. */
function groupByTopic(reads: PartitionRead[], readCommitted: boolean) {
  const topics: {topic: string; topicId: string; partitions: object[]}[] = [];
  let current: (typeof topics)[number] | undefined;
  let currentKey: string | undefined;
  for (const r of reads) {
    if (currentKey !== r.target.topicKey || !current) {
      current = {topic: r.topic?.name ?? r.target.topicKey, topicId: r.topic?.topicId ?? r.target.topicKey, partitions: []};
      currentKey = r.target.topicKey;
      topics.push(current);
    }
    current.partitions.push({
      partitionIndex: r.target.partition,
      errorCode: r.errorCode,
      highWatermark: r.highWatermark,
      lastStableOffset: r.lastStableOffset,
      logStartOffset: r.logStartOffset,
      abortedTransactions: readCommitted && r.errorCode === ErrorCode.NONE ? [] : null,
      preferredReadReplica: -1,
      records: r.records,
    });
  }
  return topics;
}
