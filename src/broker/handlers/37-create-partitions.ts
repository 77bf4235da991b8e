/**
 * CreatePartitions (key 37), v0-3 (v2 flexible). Partition counts only grow; a manual
 * assignment for the new partitions may name only this node, one replica each like the
 * existing partitions. validate_only checks without creating.
 */
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import type {CreatePartitionsRequest, CreatePartitionsRequestCreatePartitionsTopic} from '../../protocol/generated/types.js';
import {ApiException, toApiError} from '../config/api-error.js';
import {defineHandler, HandlerContext} from '../handler.js';

/** Replication factor of every kstream partition: one node. */
const EXISTING_REPLICAS = 1;

function checkAssignments(topic: CreatePartitionsRequestCreatePartitionsTopic, added: number, nodeId: number): void {
  if (topic.assignments === null) return;
  if (topic.assignments.length !== added) {
    throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `Attempted to add ${added} additional partition(s), but only ${topic.assignments.length} assignment(s) were specified.`);
  }
  for (const {brokerIds} of topic.assignments) {
    const stranger = brokerIds.find((b) => b !== nodeId);
    if (stranger !== undefined) {
      throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes broker ${stranger}, but no such broker is registered.`);
    }
    if (brokerIds.length !== EXISTING_REPLICAS) {
      throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes a partition with ${brokerIds.length} replica(s), but this is not ` +
        `consistent with previous partitions, which have ${EXISTING_REPLICAS} replica(s).`);
    }
  }
}

async function growOne(topic: CreatePartitionsRequestCreatePartitionsTopic, validateOnly: boolean, ctx: HandlerContext): Promise<void> {
  const info = ctx.broker.topics.get(topic.name);
  if (!info) throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
  if (topic.count < info.partitions) {
    throw new ApiException(ErrorCode.INVALID_PARTITIONS,
      `The topic ${topic.name} currently has ${info.partitions} partition(s); ${topic.count} would not be an increase.`);
  }
  if (topic.count === info.partitions) {
    throw new ApiException(ErrorCode.INVALID_PARTITIONS, `Topic already has ${info.partitions} partition(s).`);
  }
  checkAssignments(topic, topic.count - info.partitions, ctx.broker.nodeId);
  await ctx.broker.topics.createPartitions(topic.name, topic.count, {validateOnly, background: true});
}

export const handler = defineHandler<CreatePartitionsRequest>({
  apiKey: 37,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results = [];
    for (const topic of request.topics) {
      if (counts.get(topic.name)! > 1) {
        results.push({name: topic.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.'});
        continue;
      }
      try {
        await growOne(topic, request.validateOnly, ctx);
        results.push({name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null});
      } catch (err) {
        results.push({name: topic.name, ...toApiError(err)});
      }
    }
    return {throttleTimeMs: 0, results};
  },
});
