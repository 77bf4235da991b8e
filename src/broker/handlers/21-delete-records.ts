/**
 * DeleteRecords (key 21), v0-2 (v2 flexible). Moves a partition's log start offset forward;
 * offset -1 means the high watermark. Offsets beyond the high watermark get OFFSET_OUT_OF_RANGE,
 * topics whose cleanup.policy lacks "delete" get POLICY_VIOLATION, as in Kafka. The response's
 * low watermark is the new log start offset (-1 on error).
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import type {DeleteRecordsRequest, DeleteRecordsRequestDeleteRecordsPartition} from '../../protocol/generated/types.js';
import {toApiError} from '../config/api-error.js';
import {defineHandler, HandlerContext} from '../handler.js';

const HIGH_WATERMARK = -1n;

async function deleteOne(topic: string, p: DeleteRecordsRequestDeleteRecordsPartition, ctx: HandlerContext) {
  const result = (errorCode: number, lowWatermark = -1n) => ({partitionIndex: p.partitionIndex, lowWatermark, errorCode});
  // A write: wait for the partition's log if it is still being created.
  const creating = ctx.broker.topics.whenCreated(topic, p.partitionIndex);
  if (creating) await creating;
  const log = ctx.broker.topics.getLog(topic, p.partitionIndex);
  if (!log) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!log.config.cleanupPolicy.includes('delete')) return result(ErrorCode.POLICY_VIOLATION);
  const offset = p.offset === HIGH_WATERMARK ? log.highWatermark : p.offset;
  if (offset < 0n || offset > log.highWatermark) return result(ErrorCode.OFFSET_OUT_OF_RANGE);
  try {
    const lowWatermark = offset <= log.logStartOffset ? log.logStartOffset : await log.deleteRecordsBefore(offset);
    // Fetches parked on this partition must see the new log start offset.
    ctx.broker.topics.appends.notify(topic, p.partitionIndex);
    return result(ErrorCode.NONE, lowWatermark);
  } catch (err) {
    return result(toApiError(err).errorCode);
  }
}

export const handler = defineHandler<DeleteRecordsRequest>({
  apiKey: 21,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const topics = [];
    for (const topic of request.topics) {
      const partitions = [];
      for (const p of topic.partitions) partitions.push(await deleteOne(topic.name, p, ctx));
      topics.push({name: topic.name, partitions});
    }
    return {throttleTimeMs: 0, topics};
  },
});
