/**
 * Produce (key 0), v0-v11. Per partition, as Kafka's KafkaApis/ReplicaManager do:
 * - acks other than -1, 0, 1: INVALID_REQUIRED_ACKS on every partition.
 * - unknown topic/partition: UNKNOWN_TOPIC_OR_PARTITION (Produce never auto-creates);
 *   internal topics refuse client writes with INVALID_TOPIC_EXCEPTION.
 * - v3+ must carry exactly one magic-2 batch per partition (INVALID_RECORD otherwise); batches
 *   are validated (CRC, sizes, counts, max.message.bytes) before anything is appended.
 * - acks=-1 with fewer in-sync replicas than min.insync.replicas: NOT_ENOUGH_REPLICAS, nothing
 *   appended (this broker is the only replica, so the ISR has one member).
 * - v2+ report log append time (-1 for CreateTime), v5+ the log start offset, v8+ the error
 *   message. With acks=0 nothing is sent; if a partition failed the connection is closed,
 *   which is how Kafka tells an acks=0 producer that something went wrong.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import {validateProducedBatches} from '../../records/validate.js';
import {CloseConnection} from '../dispatch.js';
import {defineHandler, HandlerContext} from '../handler.js';
import {leaderEpochOf} from '../partition-state.js';
import {isInternalTopic} from '../topics/topic-name.js';
import {topicConfigValue} from '../config/index.js';
import type {AppendResult} from '../../storage/partition-log.js';

/** The ISR of every partition on this single-node broker: the broker itself. */
const ISR_SIZE = 1;

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

export const handler = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  handle: async (request: ProduceRequest, ctx) => {
    const acksValid = request.acks === -1 || request.acks === 0 || request.acks === 1;
    const responses = request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((p) => acksValid
        ? producePartition(topic.name, p.index, p.records, request.acks, ctx)
        : failure(p.index, ErrorCode.INVALID_REQUIRED_ACKS)) as PartitionResult[],
    }));
    // Most partitions are appended at once; wait only for those that could not be.
    const pending: Promise<void>[] = [];
    for (const t of responses) {
      t.partitionResponses.forEach((r: PartitionResult | Promise<PartitionResult>, i) => {
        if (r instanceof Promise) pending.push(r.then((done) => { t.partitionResponses[i] = done; }));
      });
    }
    if (pending.length > 0) await Promise.all(pending);
    if (request.acks === 0) {
      const failed = responses.flatMap((t) => t.partitionResponses.filter((p) => p.errorCode !== ErrorCode.NONE)
        .map((p) => `${t.name}-${p.index}: ${p.errorMessage ?? errorMessage(p.errorCode)}`));
      if (failed.length > 0) throw new CloseConnection(`acks=0 produce failed (${failed.join('; ')})`);
      return null;
    }
    return {responses, throttleTimeMs: 0, nodeEndpoints: []};
  },
});

/** The partition's answer: at once when its log could take the batch without waiting, otherwise a promise of it. */
function producePartition(topic: string, partition: number, records: Buffer | null, acks: number, ctx: HandlerContext): PartitionResult | Promise<PartitionResult> {
  if (isInternalTopic(topic)) {
    return failure(partition, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`);
  }
  const log = ctx.broker.topics.getLog(topic, partition);
  if (!log) return failure(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const data = records ?? Buffer.alloc(0);
  let validated: ReturnType<typeof validateProducedBatches>;
  try {
    validated = validateProducedBatches(data, log.config.maxMessageBytes);
  } catch (err) {
    const code = (err as {errorCode?: number}).errorCode;
    if (code === undefined) throw err;
    const result = failure(partition, code, (err as Error).message);
    // v8+: validation may name the offending records (KIP-467).
    const recordErrors = (err as {recordErrors?: PartitionResult['recordErrors']}).recordErrors;
    if (Array.isArray(recordErrors)) result.recordErrors = recordErrors;
    return result;
  }
  if (ctx.header.apiVersion >= 3 && validated.batches.length !== 1) {
    return failure(partition, ErrorCode.INVALID_RECORD,
      `Produce requests with version ${ctx.header.apiVersion} are only allowed to contain exactly one record batch per partition`);
  }
  if (acks === -1) {
    const minIsr = Number(topicConfigValue('min.insync.replicas', ctx.broker.topics.get(topic)?.configs ?? {}, ctx.broker.config));
    if (ISR_SIZE < minIsr) {
      return failure(partition, ErrorCode.NOT_ENOUGH_REPLICAS,
        `The size of the current ISR Set(${ctx.broker.nodeId}) is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${topic}-${partition}`);
    }
  }
  const epoch = leaderEpochOf(log);
  try {
    const now = ctx.broker.topics.appendNow(topic, partition, data, epoch);
    if (now) return appended(partition, now);
  } catch (err) {
    return appendFailed(topic, partition, err, ctx);
  }
  return ctx.broker.topics.append(topic, partition, data, epoch)
    .then((result) => appended(partition, result), (err: unknown) => appendFailed(topic, partition, err, ctx));
}

function appended(index: number, result: AppendResult): PartitionResult {
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset: result.logStartOffset,
    recordErrors: [],
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
    recordErrors: [],
    errorMessage: message ?? null,
  };
}
