/**
 * Consumer-group requests over the project's protocol client: finding coordinators, listing,
 * describing, fetching and committing offsets, deleting groups and offsets. Pure I/O: what the
 * results mean is worked out in src/ops/groups. A coordinator that is not ready yet (a new
 * __consumer_offsets, a coordinator loading) or has moved is waited out as Kafka's clients do
 * (coordinator-retry.ts).
 */
import {ApiKey} from '../protocol/generated/api-keys.js';
import {decodeData} from '../protocol/api.js';
import {ErrorCode} from '../protocol/error-codes.js';
import {KstreamError} from '../output/errors.js';
import {ClusterClient, KafkaProtocolError} from './cluster-client.js';
import {COORDINATOR_NOT_READY, retryCoordinator} from './coordinator-retry.js';
import {ProtocolClient} from './protocol-client.js';

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Partitions assigned to the member (decoded for consumer groups). */
  assignment: Array<{topic: string; partition: number}>;
  /** Topics the member subscribed to (decoded for consumer groups). */
  subscription: string[];
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  coordinator: {nodeId: number; host: string; port: number};
  members: GroupMember[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

/** Consumer protocol bytes start with an int16 version, then the versioned struct. */
function decodeConsumerBytes<T>(schema: string, bytes: Buffer | null): T | null {
  if (!bytes || bytes.length < 2) return null;
  try {
    const version = bytes.readInt16BE(0);
    return decodeData<T>(schema, Math.min(version, 3), bytes, 2);
  } catch {
    return null;
  }
}

export function decodeAssignment(bytes: Buffer | null): Array<{topic: string; partition: number}> {
  const a = decodeConsumerBytes<{assignedPartitions: Array<{topic: string; partitions: number[]}>}>('ConsumerProtocolAssignment', bytes);
  return (a?.assignedPartitions ?? []).flatMap((t) => t.partitions.map((partition) => ({topic: t.topic, partition})));
}

export function decodeSubscription(bytes: Buffer | null): string[] {
  return decodeConsumerBytes<{topics: string[]}>('ConsumerProtocolSubscription', bytes)?.topics ?? [];
}

/** A group request to retry: the coordinator is not ready, or is not the coordinator any more. */
const retriableAtCoordinator = (code: number) => COORDINATOR_NOT_READY.has(code) || code === ErrorCode.NOT_COORDINATOR;

export class GroupClient {
  private readonly coordinators = new Map<string, {nodeId: number; host: string; port: number}>();

  constructor(private readonly cluster: ClusterClient) {}

  private get timeoutMs(): number {
    return this.cluster.conn.timeoutSeconds * 1000;
  }

  /** Coordinator of a group (cached for this client's lifetime), asked again while it is not available. */
  async coordinator(groupId: string): Promise<{nodeId: number; host: string; port: number}> {
    const cached = this.coordinators.get(groupId);
    if (cached) return cached;
    const found = await retryCoordinator(() => this.findCoordinator(groupId), this.timeoutMs);
    this.coordinators.set(groupId, found);
    return found;
  }

  private async findCoordinator(groupId: string): Promise<{nodeId: number; host: string; port: number}> {
    const client = this.cluster.any;
    const version = client.version(ApiKey.FindCoordinator);
    const response = await client.request<any>(ApiKey.FindCoordinator, {key: groupId, keyType: 0, coordinatorKeys: [groupId]});
    const c = version !== undefined && version >= 4 ? response.coordinators[0] : response;
    if (c.errorCode !== 0) throw new KafkaProtocolError(c.errorCode, `finding the coordinator of group "${groupId}"`, c.errorMessage);
    return {nodeId: c.nodeId, host: c.host, port: c.port};
  }

  /**
   * Send a group's request to its coordinator: again after a backoff while the coordinator is
   * loading, and to the coordinator found anew when it answers that it is not (or no longer) one.
   */
  private atCoordinator<T>(groupId: string, request: (client: ProtocolClient) => Promise<T>): Promise<T> {
    return retryCoordinator(async () => request(await this.coordinatorClient(groupId)), this.timeoutMs, {
      retriable: retriableAtCoordinator,
      onRetry: (err) => {
        if (err.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) this.coordinators.delete(groupId);
      },
    });
  }

  private async coordinatorClient(groupId: string): Promise<ProtocolClient> {
    const c = await this.coordinator(groupId);
    try {
      return await this.cluster.broker(c.nodeId);
    } catch {
      await this.cluster.refreshBrokers();
      return this.cluster.broker(c.nodeId);
    }
  }

  /** Groups from every broker, optionally filtered by state (ListGroups v4+ filter, else locally). */
  async list(states: string[] = []): Promise<GroupListing[]> {
    const all: GroupListing[] = [];
    await Promise.all(this.cluster.brokerList.map(async (b) => {
      const client = await this.cluster.broker(b.nodeId);
      // A broker whose coordinator is still loading could leave groups out: ask it again.
      const response = await retryCoordinator(async () => {
        const r = await client.request<any>(ApiKey.ListGroups, {statesFilter: states, typesFilter: []});
        if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `listing groups on broker ${b.nodeId}`);
        return r;
      }, this.timeoutMs);
      for (const g of response.groups) all.push({groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? ''});
    }));
    const wanted = new Set(states.map((s) => s.toLowerCase()));
    return all
      .filter((g) => wanted.size === 0 || g.state === '' || wanted.has(g.state.toLowerCase()))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async describe(groupId: string): Promise<GroupDescription> {
    const g = await this.atCoordinator(groupId, async (client) => {
      const response = await client.request<any>(ApiKey.DescribeGroups, {groups: [groupId], includeAuthorizedOperations: false});
      const described = response.groups[0];
      if (described.errorCode !== 0) throw new KafkaProtocolError(described.errorCode, `describing group "${groupId}"`, described.errorMessage);
      return described;
    });
    const consumer = g.protocolType === 'consumer';
    return {
      groupId,
      state: g.groupState,
      protocolType: g.protocolType,
      protocol: g.protocolData,
      coordinator: await this.coordinator(groupId),
      members: g.members.map((m: any) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: consumer ? decodeAssignment(m.memberAssignment) : [],
        subscription: consumer ? decodeSubscription(m.memberMetadata) : [],
      })),
    };
  }

  /** Committed offsets of a group (all topics); partitions without a commit are left out. */
  async committedOffsets(groupId: string): Promise<CommittedOffset[]> {
    const body = await this.atCoordinator(groupId, async (client) => {
      const version = client.version(ApiKey.OffsetFetch) ?? 0;
      const response = await client.request<any>(ApiKey.OffsetFetch, {
        groupId,
        topics: null,
        groups: [{groupId, topics: null}],
        requireStable: false,
      });
      const fetched = version >= 8 ? response.groups[0] : response;
      if (fetched.errorCode !== 0) throw new KafkaProtocolError(fetched.errorCode, `fetching the offsets of group "${groupId}"`);
      return fetched;
    });
    const out: CommittedOffset[] = [];
    for (const t of body.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `offset of ${t.name}-${p.partitionIndex} in group "${groupId}"`);
        if (p.committedOffset < 0n) continue;
        out.push({topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.metadata ?? null});
      }
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /**
   * Commit offsets as an admin (generation -1, no member id): the coordinator accepts this only
   * while the group has no active members, which is exactly when a reset is safe.
   */
  async commit(groupId: string, offsets: Array<{topic: string; partition: number; offset: bigint}>): Promise<void> {
    const topics = new Map<string, Array<{partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; commitTimestamp: bigint; committedMetadata: string}>>();
    for (const o of offsets) {
      topics.set(o.topic, [...(topics.get(o.topic) ?? []), {partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: ''}]);
    }
    // A coordinator error (not ready, moved) comes for every partition, before any was committed: safe to send again.
    await this.atCoordinator(groupId, async (client) => {
      const response = await client.request<any>(ApiKey.OffsetCommit, {
        groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
        topics: [...topics].map(([name, partitions]) => ({name, partitions})),
      });
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode === 0) continue;
          if (p.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || p.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || p.errorCode === ErrorCode.ILLEGAL_GENERATION) {
            throw new KstreamError(`group "${groupId}" became active while committing; offsets may be partly reset`, {hint: 'Stop its consumers and run the reset again'});
          }
          throw new KafkaProtocolError(p.errorCode, `committing ${t.name}-${p.partitionIndex} for group "${groupId}"`);
        }
      }
    });
  }

  /** One result per group, in the order given; groups whose coordinator is not ready or moved are asked again. */
  async deleteGroups(groupIds: string[]): Promise<Array<{groupId: string; errorCode: number}>> {
    const results = new Map<string, number>();
    let pending = groupIds;
    try {
      await retryCoordinator(async () => {
        const byCoordinator = new Map<number, string[]>();
        for (const id of pending) {
          const c = await this.coordinator(id);
          byCoordinator.set(c.nodeId, [...(byCoordinator.get(c.nodeId) ?? []), id]);
        }
        for (const [nodeId, ids] of byCoordinator) {
          const client = await this.cluster.broker(nodeId);
          const response = await client.request<any>(ApiKey.DeleteGroups, {groupsNames: ids});
          for (const r of response.results) results.set(r.groupId, r.errorCode);
        }
        pending = pending.filter((id) => retriableAtCoordinator(results.get(id) ?? 0));
        if (pending.length > 0) throw new KafkaProtocolError(results.get(pending[0]!)!, `deleting group "${pending[0]}"`);
      }, this.timeoutMs, {
        retriable: retriableAtCoordinator,
        onRetry: () => {
          for (const id of pending) if (results.get(id) !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) this.coordinators.delete(id);
        },
      });
    } catch (err) {
      // Out of time with an answer for every group: report the groups' own errors.
      if (!(err instanceof KafkaProtocolError) || !groupIds.every((id) => results.has(id))) throw err;
    }
    return groupIds.map((groupId) => ({groupId, errorCode: results.get(groupId)!}));
  }

  async deleteOffsets(groupId: string, partitions: Array<{topic: string; partition: number}>): Promise<Array<{topic: string; partition: number; errorCode: number}>> {
    const topics = new Map<string, number[]>();
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    const response = await this.atCoordinator(groupId, async (client) => {
      const r = await client.request<any>(ApiKey.OffsetDelete, {
        groupId,
        topics: [...topics].map(([name, ps]) => ({name, partitions: ps.map((partitionIndex) => ({partitionIndex}))})),
      });
      if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `deleting offsets of group "${groupId}"`);
      return r;
    });
    return response.topics.flatMap((t: any) => t.partitions.map((p: any) => ({topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode})));
  }
}
