/** Small builders of cluster facts for the pure lint tests. */
import type {BrokerFacts, ClusterFacts, Configs, PartitionFacts, TopicFacts} from '../../../src/ops/cluster-check/types.js';

/** Configs as DescribeConfigs would report them; values given here are topic overrides unless a source is named. */
export function configs(values: Record<string, string | [string, string]> = {}): Configs {
  return {ok: true, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? {value: v[0], source: v[1]} : {value: v, source: 'DYNAMIC_TOPIC_CONFIG'}]))};
}

export const unreadable: Configs = {ok: false, reason: 'TOPIC_AUTHORIZATION_FAILED'};

/** [leader, replicas, isr] per partition. */
export type P = [number, number[], number[]?];

export function partitions(spec: P[]): PartitionFacts[] {
  return spec.map(([leader, replicas, isr], partition) => ({partition, leader, replicas, isr: isr ?? replicas, offlineReplicas: []}));
}

export function topic(name: string, spec: P[], c: Configs = configs(), internal = false): TopicFacts {
  return {name, internal, partitions: partitions(spec), configs: c};
}

/** `n` partitions with replication factor `rf` spread over brokers 1..brokers, led by their preferred replica. */
export function spread(n: number, rf: number, brokers: number): P[] {
  return Array.from({length: n}, (_, i) => {
    const replicas = Array.from({length: rf}, (_, r) => ((i + r) % brokers) + 1);
    return [replicas[0], replicas] as P;
  });
}

export function broker(nodeId: number, c: Configs = configs()): BrokerFacts {
  return {nodeId, host: `b${nodeId}`, port: 9092, rack: null, configs: c};
}

export function cluster(brokerIds: number[], topics: TopicFacts[], brokerConfigs: Configs = configs()): ClusterFacts {
  return {clusterId: 'test-cluster', controllerId: brokerIds[0] ?? -1, brokers: brokerIds.map((id) => broker(id, brokerConfigs)), topics};
}
