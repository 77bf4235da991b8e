/**
 * The coordinator's store (Kafka's GroupMetadataManager): the groups in memory, their committed
 * offsets, and their records in __consumer_offsets: writing group metadata and offset commits,
 * tombstones for deleted groups and offsets, loading everything back on start, and expiring
 * offsets after offsets.retention.minutes.
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import {GroupMetadata, offsetKey, parseOffsetKey} from './group.js';
import {offsetsPartitionFor} from './java-hash.js';
import {MemberMetadata} from './member.js';
import type {OffsetsLog, OffsetsLogRecord} from './offsets-log.js';
import {
  decodeGroupMetadataValue, decodeOffsetCommitValue, decodeOffsetsKey, groupMetadataKey, groupMetadataValue,
  offsetCommitKey, offsetCommitValue, type StoredGroup,
} from './records.js';
import type {CommittedOffset, TopicPartitionKey} from './types.js';
import {EMPTY_BUFFER, INVALID_OFFSET} from './types.js';

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export class GroupManager {
  readonly groups = new Map<string, GroupMetadata>();
  loading = false;

  constructor(
    private readonly log: OffsetsLog,
    private readonly now: () => number,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.log.numPartitions());
  }

  get(groupId: string): GroupMetadata | undefined {
    return this.groups.get(groupId);
  }

  /** The group, created Empty when asked to (a new member or a simple consumer's commit). */
  getOrCreate(groupId: string, create: boolean): GroupMetadata | undefined {
    let group = this.groups.get(groupId);
    if (!group && create) {
      group = new GroupMetadata(groupId, 'Empty', this.now());
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Write the group's metadata (members with their assignment); resolves with an error code. */
  async storeGroup(group: GroupMetadata, assignment: Map<string, Buffer>): Promise<number> {
    const protocol = group.protocolName;
    const stored: StoredGroup = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? EMPTY_BUFFER : m.metadata(protocol),
        assignment: assignment.get(m.memberId) ?? EMPTY_BUFFER,
      })),
    };
    return this.appendForGroup(group.groupId, [{key: groupMetadataKey(group.groupId), value: groupMetadataValue(stored)}]);
  }

  /**
   * Append offset commits and, once durable, apply them to the group. Offsets are validated by
   * the caller (metadata size); the result has one error code for them all.
   */
  async storeOffsets(group: GroupMetadata, offsets: Map<string, CommittedOffset>): Promise<number> {
    const records: OffsetsLogRecord[] = [];
    for (const [key, offset] of offsets) {
      const {topic, partition} = parseOffsetKey(key);
      records.push({key: offsetCommitKey(group.groupId, topic, partition), value: offsetCommitValue(offset)});
      group.pendingOffsetCommits.set(key, (group.pendingOffsetCommits.get(key) ?? 0) + 1);
    }
    const errorCode = await this.appendForGroup(group.groupId, records);
    for (const [key, offset] of offsets) {
      const left = (group.pendingOffsetCommits.get(key) ?? 1) - 1;
      if (left <= 0) group.pendingOffsetCommits.delete(key);
      else group.pendingOffsetCommits.set(key, left);
      if (errorCode === ErrorCode.NONE && !group.is('Dead')) group.offsets.set(key, offset);
    }
    return errorCode;
  }

  /** Committed offsets of the group: the requested partitions, or all it has (null). */
  getOffsets(groupId: string, requireStable: boolean, partitions: TopicPartitionKey[] | null): FetchedOffset[] {
    const group = this.groups.get(groupId);
    const none = (topic: string, partition: number, errorCode: number = ErrorCode.NONE): FetchedOffset =>
      ({topic, partition, offset: INVALID_OFFSET, leaderEpoch: -1, metadata: '', errorCode});
    if (!group || group.is('Dead')) return (partitions ?? []).map((tp) => none(tp.topic, tp.partition));
    const wanted = partitions ?? [...group.offsets.keys()].map(parseOffsetKey);
    return wanted.map(({topic, partition}) => {
      const key = offsetKey(topic, partition);
      if (requireStable && group.hasPendingOffsetCommit(key)) return none(topic, partition, ErrorCode.UNSTABLE_OFFSET_COMMIT);
      const committed = group.offsets.get(key);
      if (!committed) return none(topic, partition);
      return {topic, partition, offset: committed.offset, leaderEpoch: committed.leaderEpoch, metadata: committed.metadata, errorCode: ErrorCode.NONE};
    });
  }

  /**
   * Remove offsets chosen by `selector` from each group, turn Empty groups without offsets Dead,
   * and write tombstones for what was removed (and for dead groups' metadata). Returns how many
   * offsets were removed.
   */
  async cleanupGroupMetadata(groups: GroupMetadata[], selector: (group: GroupMetadata) => string[]): Promise<number> {
    let removed = 0;
    for (const group of groups) {
      const keys = selector(group);
      for (const key of keys) group.offsets.delete(key);
      if (group.is('Empty') && !group.hasOffsets()) group.transitionTo('Dead', this.now());
      const tombstones: OffsetsLogRecord[] = keys.map((key) => {
        const {topic, partition} = parseOffsetKey(key);
        return {key: offsetCommitKey(group.groupId, topic, partition), value: null};
      });
      if (group.is('Dead') && this.groups.get(group.groupId) === group) {
        this.groups.delete(group.groupId);
        if (group.generationId > 0) tombstones.push({key: groupMetadataKey(group.groupId), value: null});
      }
      removed += keys.length;
      if (tombstones.length > 0) {
        const errorCode = await this.appendForGroup(group.groupId, tombstones);
        if (errorCode !== ErrorCode.NONE) this.warn(`failed to write tombstones for group ${group.groupId}: error ${errorCode}`);
      }
    }
    return removed;
  }

  /** Expire offsets past offsets.retention.minutes, as Kafka decides per group state (KIP-211). */
  async removeExpiredOffsets(retentionMs: number): Promise<number> {
    const now = this.now();
    const groups = [...this.groups.values()];
    return this.cleanupGroupMetadata(groups, (group) => expiredOffsetKeys(group, now, retentionMs));
  }

  /** Rebuild groups and offsets from __consumer_offsets: the last record per key wins, tombstones delete. */
  async load(): Promise<GroupMetadata[]> {
    this.loading = true;
    try {
      const offsets = new Map<string, Map<string, CommittedOffset>>();
      const stored = new Map<string, StoredGroup | null>();
      for await (const record of this.log.readAll()) {
        const key = decodeOffsetsKey(record.key);
        if (key === null) continue;
        if (key.type === 'offset') {
          let groupOffsets = offsets.get(key.group);
          if (!groupOffsets) offsets.set(key.group, groupOffsets = new Map());
          const k = offsetKey(key.topic, key.partition);
          if (record.value === null) groupOffsets.delete(k);
          else groupOffsets.set(k, decodeOffsetCommitValue(record.value));
        } else {
          stored.set(key.group, record.value === null ? null : decodeGroupMetadataValue(record.value));
        }
      }
      const loaded: GroupMetadata[] = [];
      const ids = new Set([...offsets.keys(), ...[...stored].filter(([, v]) => v !== null).map(([k]) => k)]);
      for (const groupId of ids) {
        const value = stored.get(groupId) ?? null;
        const groupOffsets = offsets.get(groupId) ?? new Map<string, CommittedOffset>();
        if (value === null && groupOffsets.size === 0) continue;
        const group = value ? restoreGroup(groupId, value, this.now()) : new GroupMetadata(groupId, 'Empty', this.now());
        if (!value) group.currentStateTimestamp = null;
        for (const [k, v] of groupOffsets) group.offsets.set(k, v);
        this.groups.set(groupId, group);
        loaded.push(group);
      }
      return loaded;
    } finally {
      this.loading = false;
    }
  }

  private async appendForGroup(groupId: string, records: OffsetsLogRecord[]): Promise<number> {
    try {
      await this.log.append(this.partitionFor(groupId), records, this.now());
      return ErrorCode.NONE;
    } catch (err) {
      this.warn(`appending to __consumer_offsets for group ${groupId} failed: ${(err as Error).message}`);
      return appendErrorCode((err as {errorCode?: number}).errorCode);
    }
  }
}

/** Kafka's mapping of append failures to what a group client can act on. */
function appendErrorCode(code: number | undefined): number {
  switch (code) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    default:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}

/** A group as its last GroupMetadataValue left it: Stable with its members, or Empty. */
function restoreGroup(groupId: string, value: StoredGroup, nowMs: number): GroupMetadata {
  const group = new GroupMetadata(groupId, value.members.length === 0 ? 'Empty' : 'Stable', nowMs);
  group.generationId = value.generation;
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  group.protocolName = value.protocol;
  group.currentStateTimestamp = value.currentStateTimestamp >= 0n ? Number(value.currentStateTimestamp) : null;
  for (const m of value.members) {
    const protocol = value.protocol ?? '';
    const member = new MemberMetadata(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
      m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout, m.sessionTimeout, value.protocolType,
      [{name: protocol, metadata: m.subscription}]);
    member.assignment = m.assignment;
    group.add(member, null);
  }
  group.leaderId = value.leader;
  group.subscribedTopics = group.computeSubscribedTopics();
  return group;
}

/** Offsets of `group` due to expire at `now` (GroupMetadata.removeExpiredOffsets). */
export function expiredOffsetKeys(group: GroupMetadata, now: number, retentionMs: number): string[] {
  const pick = (base: (o: CommittedOffset) => number, subscribed: Set<string> = new Set()): string[] => {
    const keys: string[] = [];
    for (const [key, o] of group.offsets) {
      if (subscribed.has(parseOffsetKey(key).topic) || group.hasPendingOffsetCommit(key)) continue;
      const expired = o.expireTimestamp !== null ? BigInt(now) >= o.expireTimestamp : now - base(o) >= retentionMs;
      if (expired) keys.push(key);
    }
    return keys;
  };
  if (group.protocolType !== null && group.is('Empty')) {
    return pick((o) => group.currentStateTimestamp ?? Number(o.commitTimestamp));
  }
  if (group.isConsumerGroup() && group.subscribedTopics !== null && group.is('Stable')) {
    return pick((o) => Number(o.commitTimestamp), group.subscribedTopics);
  }
  if (group.protocolType === null) return pick((o) => Number(o.commitTimestamp));
  return [];
}
