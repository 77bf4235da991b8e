/**
 * DescribeProducers (key 61), v0 (flexible): the active producers of each partition from its
 * log's producer state, as Kafka's KafkaApis.handleDescribeProducersRequest,
 * ReplicaManager.activeProducerState and UnifiedLog.activeProducers answer:
 * - an illegal topic name: INVALID_TOPIC_EXCEPTION with Topic.validate's message, per partition;
 * - an unknown topic: UNKNOWN_TOPIC_OR_PARTITION with the error's default message (ApiError);
 * - an unknown partition of a known topic: UNKNOWN_TOPIC_OR_PARTITION with no message;
 * - an offline log: KAFKA_STORAGE_ERROR;
 * - else per producer its id, epoch, last sequence (-1 with no batch), last timestamp,
 *   coordinator epoch (-1 before any transaction marker) and current transaction's first offset
 *   (-1: transactions are not built), in producer id order.
 * A partition whose log is still being created is answered as the empty log it will be.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import type {
  DescribeProducersRequest, DescribeProducersResponse, DescribeProducersResponsePartitionResponse, DescribeProducersResponseProducerState,
} from '../../protocol/generated/types.js';
import type {PartitionLog} from '../../storage/partition-log.js';
import {defineHandler, type HandlerContext} from '../handler.js';
import type {TopicInfo} from '../topics/topic-manager.js';
import {topicNameError} from '../topics/topic-name.js';

type PartitionAnswer = DescribeProducersResponsePartitionResponse;

const failure = (partitionIndex: number, errorCode: number, message: string | null = null): PartitionAnswer =>
  ({partitionIndex, errorCode, errorMessage: message, activeProducers: []});

export const handler = defineHandler({
  apiKey: ApiKey.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle: async (request: DescribeProducersRequest, ctx): Promise<DescribeProducersResponse> => ({
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => {
      const invalid = topicNameError(topic.name);
      const info = invalid === null ? ctx.broker.topics.get(topic.name) : undefined;
      return {
        name: topic.name,
        partitions: topic.partitionIndexes.map((p) => {
          if (invalid !== null) return failure(p, ErrorCode.INVALID_TOPIC_EXCEPTION, invalid);
          if (!info) return failure(p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          return partitionProducers(info, p, ctx);
        }),
      };
    }),
  }),
});

function partitionProducers(info: TopicInfo, partition: number, ctx: HandlerContext): PartitionAnswer {
  if (partition < 0 || partition >= info.partitions) return failure(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const log = ctx.broker.topics.getLog(info.name, partition);
  if (!log) {
    return ctx.broker.topics.isCreating(info.name, partition)
      ? {partitionIndex: partition, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: []}
      : failure(partition, ErrorCode.KAFKA_STORAGE_ERROR);
  }
  if (log.isOffline) return failure(partition, ErrorCode.KAFKA_STORAGE_ERROR);
  return {partitionIndex: partition, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: activeProducers(log)};
}

/** Kafka's UnifiedLog.activeProducers: one line per producer the state holds. */
function activeProducers(log: PartitionLog): DescribeProducersResponseProducerState[] {
  return log.producers.state.entries()
    .sort((a, b) => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0))
    .map((e) => ({
      producerId: e.producerId,
      producerEpoch: e.epoch,
      lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1].lastSeq : -1,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: e.currentTxnFirstOffset,
    }));
}
