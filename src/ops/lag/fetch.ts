/**
 * One refresh of `kstream lag` against a cluster, behind the LagFetcher interface so that the
 * monitor and the dashboard can be driven by a fake. Cost per refresh: one Metadata; one
 * ListGroups per broker (only when no groups were named); one FindCoordinator for groups not
 * seen before; one DescribeGroups and one OffsetFetch per coordinator; one ListOffsets per
 * partition leader; one Fetch per leader for the oldest unconsumed records not read before
 * (more only when several groups sit at different offsets of the same partition).
 */
import {ClusterClient, leadersOf} from '../../client/cluster-client.js';
import type {ConnectionOptions} from '../../client/connection.js';
import {KstreamError, describeError} from '../../output/errors.js';
import {fetchCoordinatorGroups, findCoordinators, listGroupIds} from './fetch-groups.js';
import {logEndOffsets, OffsetRead, PartitionRef, readTimestamps} from './fetch-offsets.js';
import {RequestCounter} from './requests.js';
import type {OldestRecord, RawGroup, RawSnapshot} from './types.js';
import {partitionKey} from './window.js';

export interface LagFetcher {
  fetch(nowMs: number): Promise<RawSnapshot>;
  close(): Promise<void>;
}

export interface LagFilter {
  /** Group ids to show; empty = every consumer group. */
  groups: string[];
  /** Topics to show; empty = all. */
  topics: string[];
  /** Read the oldest unconsumed record of lagging partitions to measure time lag (default true). */
  measure?: boolean;
}

export class ClusterLagFetcher implements LagFetcher {
  private cluster: ClusterClient | null = null;
  private readonly coordinators = new Map<string, number>();
  private readonly timestamps = new Map<string, OldestRecord | null>();

  constructor(private readonly conn: ConnectionOptions, private readonly filter: LagFilter) {}

  async fetch(nowMs: number): Promise<RawSnapshot> {
    try {
      this.cluster ??= await ClusterClient.connect(this.conn);
      return await this.refresh(this.cluster, nowMs);
    } catch (err) {
      // Drop the connections: the next refresh reconnects, so the dashboard recovers by itself.
      await this.cluster?.close().catch(() => undefined);
      this.cluster = null;
      if (err instanceof KstreamError) throw err;
      throw new KstreamError(`cannot reach the cluster at ${this.conn.brokers.join(',')}: ${describeError(err)}`, {cause: err});
    }
  }

  private async refresh(cluster: ClusterClient, nowMs: number): Promise<RawSnapshot> {
    const counter = new RequestCounter();
    const wantedTopics = new Set(this.filter.topics);
    const metadataRequests = () => counter.perBroker.set(-1, (counter.perBroker.get(-1) ?? 0) + 1);
    metadataRequests();
    const metadata = await cluster.metadata(this.filter.topics.length > 0 ? this.filter.topics : null);
    const leaders = leadersOf(metadata);
    const topicIds = new Map(metadata.topics.filter((t) => t.name).map((t) => [t.name as string, t.topicId ?? '']));
    const groupIds = this.filter.groups.length > 0 ? [...this.filter.groups] : await listGroupIds(cluster, counter);
    await findCoordinators(cluster, counter, groupIds, this.coordinators);
    const byCoordinator = new Map<number, string[]>();
    for (const g of groupIds) byCoordinator.set(this.coordinators.get(g)!, [...(byCoordinator.get(this.coordinators.get(g)!) ?? []), g]);
    const fetched = (await Promise.all([...byCoordinator].map(([node, ids]) => fetchCoordinatorGroups(cluster, counter, node, ids, this.coordinators)))).flat();
    const groups = fetched.map((g) => this.onlyWantedTopics(g, wantedTopics)).filter((g) => wantedTopics.size === 0 || g.committed.size > 0 || g.members.some((m) => m.assignment.length > 0));

    const partitions = new Map<string, PartitionRef>();
    for (const g of groups) {
      for (const key of g.committed.keys()) partitions.set(key, splitKey(key));
      for (const m of g.members) for (const a of m.assignment) partitions.set(partitionKey(a.topic, a.partition), a);
    }
    const ends = await logEndOffsets(cluster, counter, [...partitions.values()], leaders);
    const oldest = new Map<string, OldestRecord>();
    if (this.filter.measure !== false) {
      const reads: Array<OffsetRead & {group: string}> = [];
      for (const g of groups) {
        for (const [key, offset] of g.committed) {
          const end = ends.get(key);
          if (end !== undefined && end > offset) reads.push({...splitKey(key), offset, group: g.groupId});
        }
      }
      const read = await readTimestamps(cluster, counter, reads, leaders, topicIds, this.timestamps);
      for (const r of reads) {
        const found = read.get(`${r.topic}:${r.partition}@${r.offset}`);
        if (found) oldest.set(`${r.group}|${partitionKey(r.topic, r.partition)}`, found);
      }
    }
    return {atMs: nowMs, groups, logEndOffsets: ends, oldest, requests: counter.perBroker};
  }

  private onlyWantedTopics(group: RawGroup, topics: Set<string>): RawGroup {
    if (topics.size === 0) return group;
    return {
      ...group,
      committed: new Map([...group.committed].filter(([key]) => topics.has(splitKey(key).topic))),
      members: group.members.map((m) => ({...m, assignment: m.assignment.filter((a) => topics.has(a.topic))})),
    };
  }

  async close(): Promise<void> {
    await this.cluster?.close();
    this.cluster = null;
  }
}

function splitKey(key: string): PartitionRef {
  const i = key.lastIndexOf(':');
  return {topic: key.slice(0, i), partition: Number(key.slice(i + 1))};
}
