/** Partition health listing with kafka-topics' filters. */
import {ClusterClient} from '../../client/cluster-client.js';
import {partitionDetails, PartitionDetail, topicConfigs, topicMetadata} from './describe.js';

export interface PartitionFilters {
  underReplicated?: boolean;
  unavailable?: boolean;
  underMinIsr?: boolean;
}

export interface PartitionHealth extends PartitionDetail {
  minInsyncReplicas: number;
  underReplicated: boolean;
  unavailable: boolean;
  underMinIsr: boolean;
}

/** Kafka's definitions: under-replicated = ISR smaller than replicas; unavailable = no live leader. */
export function assessPartition(p: PartitionDetail, minInsyncReplicas: number): PartitionHealth {
  return {
    ...p,
    minInsyncReplicas,
    underReplicated: p.isr.length < p.replicas.length,
    unavailable: p.leader < 0 || p.offlineReplicas.includes(p.leader),
    underMinIsr: p.isr.length < minInsyncReplicas,
  };
}

/** Keep partitions matching any of the chosen filters (all when none is chosen). */
export function filterPartitions(parts: PartitionHealth[], f: PartitionFilters): PartitionHealth[] {
  if (!f.underReplicated && !f.unavailable && !f.underMinIsr) return parts;
  return parts.filter((p) => (f.underReplicated && p.underReplicated) || (f.unavailable && p.unavailable) || (f.underMinIsr && p.underMinIsr));
}

export async function listPartitions(cluster: ClusterClient, topics: string[], filters: PartitionFilters): Promise<PartitionHealth[]> {
  const md = await topicMetadata(cluster, topics.length > 0 ? topics : null);
  const names = md.topics.filter((t) => t.errorCode === 0).map((t) => t.name ?? '');
  const [details, configs] = await Promise.all([
    partitionDetails(cluster, md),
    filters.underMinIsr && names.length > 0 ? topicConfigs(cluster, names, true) : Promise.resolve(undefined),
  ]);
  const minIsr = (topic: string) => Number(configs?.get(topic)?.find((c) => c.name === 'min.insync.replicas')?.value ?? 1);
  return filterPartitions(details.map((d) => assessPartition(d, minIsr(d.topic))), filters);
}
