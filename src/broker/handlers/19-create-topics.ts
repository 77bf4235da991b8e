/**
 * CreateTopics (key 19), v0-7. v1 adds validate_only and error messages, v5 returns the created
 * topic's configs, partition count and replication factor, v7 its topic id. Manual replica
 * assignments are accepted when every replica is this node. Each topic fails on its own.
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import type {CreateTopicsRequest, CreateTopicsRequestCreatableTopic} from '../../protocol/generated/types.js';
import {ApiException, toApiError} from '../config/api-error.js';
import {describeTopicConfigs} from '../config/index.js';
import {defineHandler, HandlerContext} from '../handler.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Partition count and replication factor implied by a manual assignment, checked against this node. */
function fromAssignments(topic: CreatableTopicLike, nodeId: number): {numPartitions: number; replicationFactor: number} {
  if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
    throw new ApiException(ErrorCode.INVALID_REQUEST,
      'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
  }
  const indexes = topic.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
  indexes.forEach((index, i) => {
    if (index !== i) {
      throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'partitions should be a consecutive 0-based integer sequence');
    }
  });
  let replicationFactor = -1;
  for (const {brokerIds} of topic.assignments) {
    if (brokerIds.length === 0) {
      throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.');
    }
    if (new Set(brokerIds).size !== brokerIds.length) {
      throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes the broker ${brokerIds.find((b, i) => brokerIds.indexOf(b) !== i)} more than once.`);
    }
    const stranger = brokerIds.find((b) => b !== nodeId);
    if (stranger !== undefined) {
      throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes broker ${stranger}, but no such broker is registered.`);
    }
    if (replicationFactor !== -1 && brokerIds.length !== replicationFactor) {
      throw new ApiException(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'All partitions in the manual partition assignment must have the same number of replicas.');
    }
    replicationFactor = brokerIds.length;
  }
  return {numPartitions: topic.assignments.length, replicationFactor};
}

type CreatableTopicLike = Pick<CreateTopicsRequestCreatableTopic, 'numPartitions' | 'replicationFactor' | 'assignments'>;

async function createOne(topic: CreateTopicsRequestCreatableTopic, validateOnly: boolean, ctx: HandlerContext) {
  const configs: Record<string, string> = {};
  for (const {name, value} of topic.configs) {
    if (value === null) throw new ApiException(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${name}`);
    configs[name] = value;
  }
  const sizes = topic.assignments.length > 0
    ? fromAssignments(topic, ctx.broker.nodeId)
    : {numPartitions: topic.numPartitions, replicationFactor: topic.replicationFactor};
  // Answered once the topic is durable; the partition directories follow in the background (as in Kafka).
  const info = await ctx.broker.topics.createTopic(topic.name, {...sizes, configs, validateOnly, background: true});
  const described = describeTopicConfigs(info.configs, ctx.broker.config).map((c) => ({
    name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive,
  }));
  const replicationFactor = sizes.replicationFactor === -1 ? ctx.broker.config.defaultReplicationFactor : sizes.replicationFactor;
  return {topicId: info.topicId, numPartitions: info.partitions, replicationFactor, configs: described};
}

export const handler = defineHandler<CreateTopicsRequest>({
  apiKey: 19,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, ctx) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics = [];
    for (const topic of request.topics) {
      const base = {name: topic.name, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: null};
      if (counts.get(topic.name)! > 1) {
        topics.push({...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.'});
        continue;
      }
      try {
        const created = await createOne(topic, request.validateOnly ?? false, ctx);
        topics.push({...base, ...created, errorCode: ErrorCode.NONE, errorMessage: null});
      } catch (err) {
        topics.push({...base, ...toApiError(err)});
      }
    }
    return {throttleTimeMs: 0, topics};
  },
});
