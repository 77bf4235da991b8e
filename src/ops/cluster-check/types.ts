/**
 * The data shapes of `kstream check cluster`: the facts fetched from a cluster once (fetch.ts),
 * and the findings the pure lints derive from them. The verdict vocabulary (severity, passed,
 * exit code) is the one `kstream check os` uses, so both checks gate a deployment the same way.
 */
import type {CheckVerdict, Passed, Severity} from '../checks/verdicts.js';

export type {Passed, Severity};

/** One config as DescribeConfigs reports it: the effective value and where it comes from. */
export interface ConfigValue {
  value: string | null;
  /** Kafka's config source name, e.g. DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG. */
  source: string;
}

/** Configs by name, or why they could not be read (authorisation, an unreachable broker). */
export type Configs = {ok: true; values: Record<string, ConfigValue>} | {ok: false; reason: string};

export interface PartitionFacts {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  /** In assignment order: the first replica is the preferred leader. */
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicFacts {
  name: string;
  internal: boolean;
  partitions: PartitionFacts[];
  configs: Configs;
}

export interface BrokerFacts {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
  configs: Configs;
}

/** Everything the lints look at, fetched once from the cluster. */
export interface ClusterFacts {
  clusterId: string | null;
  controllerId: number;
  /** The live brokers (Metadata lists only brokers that are up). */
  brokers: BrokerFacts[];
  topics: TopicFacts[];
}

export type SubjectType = 'topic' | 'broker' | 'cluster';

/** One verdict of one lint about one subject (a topic, a broker or the whole cluster). */
export interface ClusterCheckResult extends CheckVerdict {
  subjectType: SubjectType;
  /** Topic name, broker id, or the cluster id (`cluster` when unknown). */
  subject: string;
}
