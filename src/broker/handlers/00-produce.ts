/**
 * Produce (key 0), v0-v11. Per partition, as Kafka's KafkaApis/ReplicaManager do:
 * - acks other than -1, 0, 1: INVALID_REQUIRED_ACKS on every partition.
 * - unknown topic/partition: UNKNOWN_TOPIC_OR_PARTITION (Produce never auto-creates);
 *   internal topics refuse client writes with INVALID_TOPIC_EXCEPTION.
 * - v3+ must carry exactly one magic-2 batch per partition (INVALID_RECORD otherwise), and v3-v6
 *   no zstd batch (UNSUPPORTED_COMPRESSION_TYPE; KIP-110 gave zstd to v7+); v0-v2 may
 *   carry a legacy message set (magic 0/1), validated and converted to one v2 batch as Kafka 3.x
 *   does (records/legacy-convert.ts); batches
 *   are validated (CRC, sizes, counts, max.message.bytes) before anything is appended, and their
 *   records as Kafka's LogValidator does (keys on compacted topics, timestamp bounds, and compressed
 *   batches decompressed and walked), with v8+ record errors. A batch in another codec than the
 *   topic's compression.type (when not `producer`) is rewritten in it (records/recompress.ts).
 * - acks=-1 with fewer in-sync replicas than min.insync.replicas: NOT_ENOUGH_REPLICAS, nothing
 *   appended (this broker is the only replica, so the ISR has one member).
 * - v2+ report log append time (-1 for CreateTime), v5+ the log start offset, v8+ the error
 *   message. With acks=0 nothing is sent; if a partition failed the connection is closed,
 *   which is how Kafka tells an acks=0 producer that something went wrong.
 * - Partitions are appended PARTITIONS_PER_TURN at a time (../turns.ts), other connections served in between;
 *   a connection's next Produce waits for this one's appends. A Produce appended in one turn (nearly
 *   all) is answered at once, without a promise (ProduceRun).
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import {compressionOf, OFFSET_ATTRIBUTES} from '../../records/batch-header.js';
import {checkCompressedRecords, checkProduceVersionCodec, checkProducedBatch, isCompressedBatch, type RecordChecks} from '../../records/validate.js';
import {convertLegacyMessageSet, isLegacyMessageSet} from '../../records/legacy-convert.js';
import {needsRecompression, recompressBatch} from '../../records/recompress.js';
import {producePolicyOf} from '../topics/produce-policy.js';
import {CloseConnection} from '../dispatch.js';
import {type ConnectionInfo, defineHandler, HandlerContext} from '../handler.js';
import {leaderEpochOf} from '../partition-state.js';
import {isInternalTopic} from '../topics/topic-name.js';
import {nextTurn, PARTITIONS_PER_TURN} from '../turns.js';
import {topicConfigValue} from '../config/index.js';
import {type AppendResult, PreparedAppend} from '../../storage/append-result.js';
import {type AppendRound, type ExpectedWrites, MIN_SHARED_WRITES} from '../../storage/append-round.js';

/**
 * Per connection, the latest Produce whose appends are still to be made, or made across turns:
 * the connection's next Produce waits for it, so its batches land after the earlier ones, as Kafka
 * reads a connection's next request only once the previous one is answered.
 */
const producing = new WeakMap<ConnectionInfo, Promise<void>>();

/** The ISR of every partition on this single-node broker: the broker itself. */
const ISR_SIZE = 1;
const EMPTY_RECORDS = Buffer.alloc(0);
/** Shared by every partition without record errors (the encoder only reads it). */
const NO_RECORD_ERRORS: PartitionResult['recordErrors'] = Object.freeze([]) as unknown as PartitionResult['recordErrors'];

interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: {name: string; partitionData: {index: number; records: Buffer | null}[]}[];
}

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: {batchIndex: number; batchIndexErrorMessage: string | null}[];
  errorMessage: string | null;
}

/** What every partition of one topic in the request shares: looked up once per topic, not per partition. */
interface TopicScope {
  name: string;
  internal: boolean;
  acks: number;
  /** The request's version: v0-v2 may carry legacy message sets. */
  version: number;
  /** min.insync.replicas, read on first need (acks=-1 only). */
  minIsr: number | undefined;
}

export const handler = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  handle: (request: ProduceRequest, ctx) => {
    const run = new ProduceRun(request, ctx);
    const earlier = producing.get(ctx.connection);
    // Nearly every Produce: appended in one turn and answered at once, with no promise to wait for.
    if (earlier === undefined && run.appendTurn()) return run.answer();
    return run.inTurns(earlier);
  },
});

interface ProduceResponse {
  responses: {name: string; partitionResponses: PartitionResult[]}[];
  throttleTimeMs: number;
  nodeEndpoints: never[];
}

/** One Produce request's appends, PARTITIONS_PER_TURN partitions per turn, and its answer. */
class ProduceRun {
  private readonly acksValid: boolean;
  private readonly responses: ProduceResponse['responses'];
  /** The next partition to append: partition i of topic t. */
  private t = 0;
  private i = 0;
  /** The topic of partition t's scope, made when its first partition is reached. */
  private scope: TopicScope | undefined;
  /** Partitions whose append must wait (then their answer comes later). */
  private pending: Promise<void>[] | undefined;
  /** Partitions whose appends were prepared in a round: answered once it finished. */
  private prepared: Array<{topic: string; results: PartitionResult[]; i: number; index: number; append: PreparedAppend}> | undefined;

  constructor(private readonly request: ProduceRequest, private readonly ctx: HandlerContext) {
    this.acksValid = request.acks === -1 || request.acks === 0 || request.acks === 1;
    this.responses = request.topicData.map((topic) => ({name: topic.name, partitionResponses: new Array<PartitionResult>(topic.partitionData.length)}));
  }

  /**
   * Append the next PARTITIONS_PER_TURN partitions (all of them when acks is invalid: each is
   * only answered with the error); true once no partition is left. A Produce to many partitions
   * makes the file writes of its appends together (storage/append-round.ts), one round per turn.
   */
  appendTurn(): boolean {
    const {request, ctx} = this;
    let round: AppendRound | undefined;
    if (this.acksValid) {
      const expected = expectedWrites(request, this.t, this.i, PARTITIONS_PER_TURN);
      if (expected.writes >= MIN_SHARED_WRITES) round = ctx.broker.topics.startAppendRound(expected);
    }
    try {
      let inTurn = 0;
      for (; this.t < request.topicData.length; this.t++, this.i = 0, this.scope = undefined) {
        const topic = request.topicData[this.t]!;
        const scope = this.scope ??= {name: topic.name, internal: isInternalTopic(topic.name), acks: request.acks, version: ctx.header.apiVersion, minIsr: undefined};
        const data = topic.partitionData;
        const results = this.responses[this.t]!.partitionResponses;
        for (; this.i < data.length; this.i++) {
          const i = this.i;
          const p = data[i]!;
          if (!this.acksValid) {
            results[i] = failure(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
            continue;
          }
          if (inTurn === PARTITIONS_PER_TURN) return false;
          inTurn++;
          const r = producePartition(scope, p.index, p.records, ctx, round);
          if (r instanceof Promise) (this.pending ??= []).push(r.then((done) => { results[i] = done; }));
          else if (r instanceof PreparedAppend) (this.prepared ??= []).push({topic: topic.name, results, i, index: p.index, append: r});
          else results[i] = r;
        }
      }
      return true;
    } finally {
      // Before anything else runs: until then the prepared appends' logs take no other append.
      round?.finish();
    }
  }

  /**
   * The appends in turns of the event loop, or behind `earlier`, a Produce of this connection still
   * appending: queued, so a later Produce of the connection waits for this one's appends. Without
   * `earlier`, the first turn was already made by handle().
   */
  async inTurns(earlier: Promise<void> | undefined): Promise<ProduceResponse | null> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    producing.set(this.ctx.connection, mine);
    try {
      let done = false;
      if (earlier !== undefined) {
        await earlier;
        done = this.appendTurn();
      }
      while (!done) {
        await nextTurn();
        done = this.appendTurn();
      }
    } finally {
      release();
      if (producing.get(this.ctx.connection) === mine) producing.delete(this.ctx.connection);
    }
    return this.answer();
  }

  /** The response once every append is made (at once when none had to wait); null for acks=0. */
  answer(): ProduceResponse | null | Promise<ProduceResponse | null> {
    for (const {topic, results, i, index, append} of this.prepared ?? []) {
      results[i] = append.result ? appended(index, append.result) : appendFailed(topic, index, append.error, this.ctx);
    }
    this.prepared = undefined;
    if (this.pending) return Promise.all(this.pending).then(() => this.respond());
    return this.respond();
  }

  private respond(): ProduceResponse | null {
    const {responses} = this;
    if (this.request.acks === 0) {
      const failed = responses.flatMap((t) => t.partitionResponses.filter((p) => p.errorCode !== ErrorCode.NONE)
        .map((p) => `${t.name}-${p.index}: ${p.errorMessage ?? errorMessage(p.errorCode)}`));
      if (failed.length > 0) throw new CloseConnection(`acks=0 produce failed (${failed.join('; ')})`);
      return null;
    }
    return {responses, throttleTimeMs: 0, nodeEndpoints: []};
  }
}

/**
 * The partition's answer: at once when its log could take the batch without waiting, the append
 * prepared in `round` (answered after its finish()), otherwise a promise of it.
 */
function producePartition(scope: TopicScope, partition: number, records: Buffer | null, ctx: HandlerContext,
  round: AppendRound | undefined, recordsChecked = false): PartitionResult | PreparedAppend | Promise<PartitionResult> {
  const topic = scope.name;
  if (scope.internal) {
    return failure(partition, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`);
  }
  const log = ctx.broker.topics.getLog(topic, partition);
  if (!log) return failure(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const data = records ?? EMPTY_RECORDS;
  if (!recordsChecked) {
    const {checks, target} = producePolicyOf(log.config, topic, ctx.broker.topics, ctx.broker.config);
    const where = checks === null ? '' : `${topic}-${partition}`;
    // A magic 0/1 message set (v0-v2 only) is validated while converted to a v2 batch, asynchronously.
    if (scope.version <= 2 && isLegacyMessageSet(data)) {
      const options = {maxMessageBytes: log.config.maxMessageBytes, checks, where: `${topic}-${partition}`, target};
      return checkThenProduce(scope, partition, data, log, checking.get(log), checks, where, ctx, () => convertLegacyMessageSet(data, options));
    }
    try {
      checkProduceVersionCodec(data, scope.version);
      checkProducedBatch(data, log.config.maxMessageBytes, checks, where);
    } catch (err) {
      return checkFailed(partition, err);
    }
    // Compressed records are checked asynchronously, and a batch in another codec than the topic's
    // rewritten; a batch behind one of those waits its turn.
    const earlier = checking.get(log);
    if (target !== null && needsRecompression(data, target)) {
      const recompress = () => recompressBatch(data, target, log.config.maxMessageBytes, `${topic}-${partition}`);
      return checkThenProduce(scope, partition, data, log, earlier, checks, where, ctx, recompress, true);
    }
    if (earlier !== undefined || isCompressedBatch(data)) {
      // Rewritten only if its inner offsets are out of order: in its own codec, at the topic's level.
      const renumber = () => recompressBatch(data, target ?? {type: compressionOf(data.readInt16BE(OFFSET_ATTRIBUTES)), level: undefined}, log.config.maxMessageBytes, `${topic}-${partition}`);
      return checkThenProduce(scope, partition, data, log, earlier, checks, where, ctx, undefined, false, renumber);
    }
  }
  // (v3+ allows exactly one batch per partition: checkProducedBatch refuses any other count.)
  if (scope.acks === -1) {
    scope.minIsr ??= Number(topicConfigValue('min.insync.replicas', ctx.broker.topics.get(topic)?.configs ?? {}, ctx.broker.config));
    if (ISR_SIZE < scope.minIsr) {
      return failure(partition, ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR Set(${ctx.broker.nodeId}) is insufficient to satisfy the min.isr requirement of ${scope.minIsr} for partition ${topic}-${partition}`);
    }
  }
  const epoch = leaderEpochOf(log);
  try {
    const now = round ? round.add(log, data, epoch) : ctx.broker.topics.appendNow(topic, partition, data, epoch, log);
    if (now instanceof PreparedAppend) return now;
    if (now) return appended(partition, now);
  } catch (err) {
    return appendFailed(topic, partition, err, ctx);
  }
  return ctx.broker.topics.append(topic, partition, data, epoch)
    .then((result) => appended(partition, result), (err: unknown) => appendFailed(topic, partition, err, ctx));
}

/**
 * Per partition log, the turn of the latest produce whose records are being checked asynchronously
 * (decompressed) or converted. Later produces to the log wait for it before they append (their own
 * checks need not wait), so batches are appended in the order they came, as in Kafka, which
 * handles a connection's requests one at a time.
 */
const checking = new WeakMap<object, Promise<void>>();

/**
 * Check a compressed v2 batch's records at once (a large zstd batch on the second thread, while
 * the event loop goes on: compression.ts), and once `earlier` is done `convert` what came to the
 * batch to append (a legacy message set, which convert validates itself, to v2; or with
 * `convertsBatch`, the checked v2 batch to the topic's codec), then go on as producePartition. A
 * compressed batch not converted whose inner offsets are not 0..n-1 is rewritten by `renumber`,
 * as Kafka's LogValidator gives up in-place assignment for it.
 */
function checkThenProduce(scope: TopicScope, partition: number, data: Buffer, log: object, earlier: Promise<void> | undefined,
  checks: RecordChecks | null, where: string, ctx: HandlerContext, convert?: () => Promise<Buffer>, convertsBatch = false,
  renumber?: () => Promise<Buffer>): Promise<PartitionResult> {
  let done!: () => void;
  const turn = new Promise<void>((resolve) => { done = resolve; });
  checking.set(log, turn);
  // Only the append waits for the log's earlier batches; the check is begun here.
  const checked = (!convert || convertsBatch) && isCompressedBatch(data) ? checkCompressedRecords(data, checks, where) : undefined;
  // Its failure is answered below, after `earlier`: not an unhandled rejection meanwhile.
  checked?.catch(() => undefined);
  const run = async (): Promise<PartitionResult> => {
    try {
      if (earlier !== undefined) await earlier;
      let batch = data;
      if (checked) {
        const offsetsInOrder = await checked;
        if (!offsetsInOrder && !convert) convert = renumber;
      }
      if (convert) batch = await convert();
      // Not awaited here: the turn ends (finally) once the append is under way, not appended.
      return producePartition(scope, partition, batch, ctx, undefined, true) as PartitionResult | Promise<PartitionResult>;
    } catch (err) {
      return checkFailed(partition, err);
    } finally {
      if (checking.get(log) === turn) checking.delete(log);
      done();
    }
  };
  return run();
}

/** The answer for a batch that failed validation; v8+ carries the offending records (KIP-467). */
function checkFailed(partition: number, err: unknown): PartitionResult {
  const code = (err as {errorCode?: number}).errorCode;
  if (code === undefined) throw err;
  const result = failure(partition, code, (err as Error).message);
  const recordErrors = (err as {recordErrors?: PartitionResult['recordErrors']}).recordErrors;
  if (Array.isArray(recordErrors) && recordErrors.length > 0) result.recordErrors = recordErrors;
  return result;
}

/** The most appends one round can make together, and their bytes: up to `max` partitions from partition `i` of topic `t`. */
function expectedWrites(request: ProduceRequest, t: number, i: number, max: number): ExpectedWrites {
  let writes = 0;
  let bytes = 0;
  for (; t < request.topicData.length && writes < max; t++, i = 0) {
    const data = request.topicData[t]!.partitionData;
    for (; i < data.length && writes < max; i++, writes++) bytes += data[i]!.records?.length ?? 0;
  }
  return {writes, bytes};
}

function appended(index: number, result: AppendResult): PartitionResult {
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset: result.logStartOffset,
    recordErrors: NO_RECORD_ERRORS,
    errorMessage: null,
  };
}

/** A storage failure the client can retry; Kafka's own error when the error carries one. */
function appendFailed(topic: string, partition: number, err: unknown, ctx: HandlerContext): PartitionResult {
  const code = (err as {errorCode?: number}).errorCode;
  if (code === undefined) {
    ctx.broker.log(`append to ${topic}-${partition} failed: ${(err as Error).message}`);
    return failure(partition, ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message);
  }
  return failure(partition, code, (err as Error).message);
}

function failure(index: number, errorCode: number, message?: string): PartitionResult {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: NO_RECORD_ERRORS,
    errorMessage: message ?? null,
  };
}
