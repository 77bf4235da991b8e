/**
 * Metadata (key 3), v0-v12.
 * - v0: an empty topic list means all topics; v1+: null means all, empty means none.
 * - v1-v3 always allow auto-creation; v4+ has AllowAutoTopicCreation. As in KRaft-mode Kafka
 *   (AutoTopicCreationManager, which hands the creation to the controller), a topic auto-created
 *   by this request is reported UNKNOWN_TOPIC_OR_PARTITION with no partitions; the client's next
 *   Metadata request sees it. (ZooKeeper-mode Kafka said LEADER_NOT_AVAILABLE; clients retry both.)
 * - v10+ topic ids; a topic asked for by id only (name null) that does not exist gets
 *   UNKNOWN_TOPIC_ID. v8+ authorized operations: no authorizer, so every operation is allowed.
 * - One node, leader of everything and the controller: replicas = isr = [nodeId].
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {defineHandler, HandlerContext} from '../handler.js';
import {leaderEpochOf} from '../partition-state.js';
import {ZERO_UUID} from '../topics/topic-id.js';
import {isInternalTopic, topicNameError} from '../topics/topic-name.js';
import type {TopicInfo} from '../topics/topic-manager.js';

const NOT_REQUESTED = -2147483648;
// AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
// DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12, CREATE_TOKENS 13, DESCRIBE_TOKENS 14.
const TOPIC_OPERATIONS = bits([3, 4, 5, 6, 7, 8, 10, 11]);
const CLUSTER_OPERATIONS = bits([5, 7, 8, 9, 10, 11, 12, 13, 14]);

interface MetadataRequestTopic {
  topicId: string;
  name: string | null;
}

interface MetadataRequest {
  topics: MetadataRequestTopic[] | null;
  allowAutoTopicCreation: boolean;
  includeClusterAuthorizedOperations: boolean;
  includeTopicAuthorizedOperations: boolean;
}

export const handler = defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  handle: async (request: MetadataRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const {broker} = ctx;
    const allTopics = request.topics === null || (version === 0 && request.topics.length === 0);
    const allowAuto = version < 4 ? true : request.allowAutoTopicCreation;
    const topics = allTopics
      ? broker.topics.list().map((info) => describeTopic(info, request, ctx))
      : await Promise.all((request.topics ?? []).map((t) => lookupTopic(t, allowAuto, request, ctx)));
    return {
      throttleTimeMs: 0,
      brokers: [{nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: null}],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NOT_REQUESTED,
    };
  },
});

async function lookupTopic(requested: MetadataRequestTopic, allowAuto: boolean, request: MetadataRequest, ctx: HandlerContext) {
  const {topics} = ctx.broker;
  if (requested.name === null || requested.name === undefined) {
    const byId = topics.getById(requested.topicId);
    if (byId) return describeTopic(byId, request, ctx);
    return errorTopic(ErrorCode.UNKNOWN_TOPIC_ID, ctx.header.apiVersion >= 12 ? null : '', requested.topicId);
  }
  const name = requested.name;
  const existing = topics.get(name);
  if (existing) return describeTopic(existing, request, ctx);
  if (topicNameError(name) !== null) return errorTopic(ErrorCode.INVALID_TOPIC_EXCEPTION, name);
  if (allowAuto && ctx.broker.config.autoCreateTopicsEnable && !isInternalTopic(name)) {
    const created = await topics.ensureTopic(name);
    if (created) return {...errorTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name), isInternal: created.internal};
  }
  return errorTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name);
}

function describeTopic(info: TopicInfo, request: MetadataRequest, ctx: HandlerContext) {
  const {nodeId, topics} = ctx.broker;
  // One replica list for every partition of the response (the encoder only reads them).
  const thisNode = [nodeId];
  const none: number[] = [];
  const partitions = new Array(info.partitions);
  for (let p = 0; p < info.partitions; p++) {
    // A partition whose log is being created is led by this node already (epoch 0); one whose
    // log could not be created is offline.
    const log = topics.readView(info.name, p);
    partitions[p] = {
      errorCode: log ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
      partitionIndex: p,
      leaderId: log ? nodeId : -1,
      leaderEpoch: log ? leaderEpochOf(log) : -1,
      replicaNodes: thisNode,
      isrNodes: log ? thisNode : none,
      offlineReplicas: log ? none : thisNode,
    };
  }
  return {
    errorCode: ErrorCode.NONE,
    name: info.name,
    topicId: info.topicId,
    isInternal: info.internal,
    partitions,
    topicAuthorizedOperations: request.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : NOT_REQUESTED,
  };
}

function errorTopic(errorCode: number, name: string | null, topicId = ZERO_UUID) {
  return {errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED};
}

function bits(operations: number[]): number {
  return operations.reduce((acc, op) => acc | (1 << op), 0);
}
