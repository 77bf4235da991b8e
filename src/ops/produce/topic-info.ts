/**
 * What a producer needs to know about its topic before sending: that it exists (or that the
 * broker auto-creates it, as kafka-console-producer relies on), its partitions, and the size
 * limit a batch must stay under (max.message.bytes).
 */
import {ApiKey} from '../../protocol/generated/api-keys.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {ClusterClient, KafkaProtocolError} from '../../client/cluster-client.js';
import {KstreamError} from '../../output/errors.js';
import {topicConfigs} from '../topics/describe.js';

/** Kafka's default max.message.bytes (1 MiB + the 12-byte log overhead). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export interface ProduceTarget {
  topic: string;
  partitions: number[];
  maxMessageBytes: number;
  /** True when this lookup made the broker create the topic. */
  autoCreated: boolean;
}

/** Metadata with auto-creation allowed: the request a producer sends before its first write. */
async function lookUp(cluster: ClusterClient, topic: string): Promise<{errorCode: number; partitions: number[]}> {
  const response = await cluster.any.request<any>(ApiKey.Metadata, {
    topics: [{name: topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA'}],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const t = response.topics.find((x: {name: string}) => x.name === topic);
  if (!t) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: []};
  return {errorCode: t.errorCode, partitions: t.partitions.map((p: {partitionIndex: number}) => p.partitionIndex).sort((a: number, b: number) => a - b)};
}

/**
 * How long to look for a topic that Metadata reported unknown: a KRaft broker (Kafka 3.x, 4.x and
 * kstream's) answers UNKNOWN_TOPIC_OR_PARTITION to the request that makes it auto-create a topic,
 * whether or not it creates it, so the topic may still appear; waits double from retryDelayMs.
 */
const UNKNOWN_TOPIC_RETRIES = 4;
/** A ZooKeeper-mode broker answers LEADER_NOT_AVAILABLE instead, as for any leaderless topic. */
const LEADERLESS_RETRIES = 20;

export async function produceTarget(cluster: ClusterClient, topic: string, retryDelayMs = 100): Promise<ProduceTarget> {
  let autoCreated = false;
  let unknown = 0;
  for (let attempt = 0; ; attempt++) {
    const {errorCode, partitions} = await lookUp(cluster, topic);
    if (errorCode === ErrorCode.NONE && partitions.length > 0) {
      return {topic, partitions, maxMessageBytes: await maxMessageBytes(cluster, topic), autoCreated};
    }
    if (errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION) throw new KstreamError(`"${topic}" is not a valid topic name`, {hint: 'Use letters, digits, ".", "_" and "-", at most 249 characters'});
    if (errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
      if (unknown++ >= UNKNOWN_TOPIC_RETRIES) {
        throw new KstreamError(`topic "${topic}" does not exist, and the broker did not create it on first use (auto.create.topics.enable=false?)`, {
          hint: `Create it with \`kstream topics create ${topic}\``,
        });
      }
    } else if (errorCode !== ErrorCode.LEADER_NOT_AVAILABLE && errorCode !== ErrorCode.NONE) {
      throw new KafkaProtocolError(errorCode, `looking up topic "${topic}"`);
    } else if (attempt >= LEADERLESS_RETRIES) {
      throw new KstreamError(`topic "${topic}" has no partition leaders yet`, {hint: 'Try again in a moment'});
    }
    autoCreated = true;
    const delay = errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? retryDelayMs * 2 ** (unknown - 1) : retryDelayMs;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function maxMessageBytes(cluster: ClusterClient, topic: string): Promise<number> {
  if (cluster.any.version(ApiKey.DescribeConfigs) === undefined) return DEFAULT_MAX_MESSAGE_BYTES;
  const configs = await topicConfigs(cluster, [topic], true);
  const entry = configs.get(topic)?.find((c) => c.name === 'max.message.bytes');
  const value = Number(entry?.value);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_MESSAGE_BYTES;
}
