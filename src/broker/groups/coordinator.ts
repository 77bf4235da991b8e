/**
 * The group coordinator service the broker's group handlers call (Kafka's GroupCoordinator):
 * request validation, the membership protocol (membership.ts), offsets (group-manager.ts),
 * group listing/description/deletion, and the periodic offsets retention check. On one node it
 * coordinates every group; its state lives in __consumer_offsets and is loaded on startup.
 *
 * A group is served once its __consumer_offsets partition has a log, as in Kafka, where the
 * coordinator owns a partition once it leads it and serves it once loaded (validate() says what
 * the others get). No request waits for a partition: FindCoordinator answers
 * COORDINATOR_NOT_AVAILABLE until the partition is ready and clients retry it.
 */
import type {BrokerConfig} from '../config/index.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {type GroupMetadata, offsetKey} from './group.js';
import {type FetchedOffset, GroupManager} from './group-manager.js';
import {type JoinParams, Membership, type MembershipConfig, type SyncParams} from './membership.js';
import type {OffsetsLog} from './offsets-log.js';
import {RealScheduler, type Scheduler, type TimerHandle} from './scheduler.js';
import type {CommittedOffset, GroupOverview, GroupSummary, JoinGroupResult, SyncGroupResult, TopicPartitionKey} from './types.js';
import {UNKNOWN_MEMBER_ID} from './types.js';

export interface GroupCoordinatorConfig extends MembershipConfig {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: longer commit metadata gets OFFSET_METADATA_TOO_LARGE. */
  offsetMetadataMaxBytes: number;
}

/** Kafka's default for offset.metadata.max.bytes. */
export const DEFAULT_OFFSET_METADATA_MAX_BYTES = 4096;

export function groupCoordinatorConfig(config: BrokerConfig): GroupCoordinatorConfig {
  const metadataMax = Number(config.raw['offset.metadata.max.bytes'] ?? DEFAULT_OFFSET_METADATA_MAX_BYTES);
  return {
    groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    groupMaxSize: config.groupMaxSize,
    groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
    offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
    offsetMetadataMaxBytes: Number.isFinite(metadataMax) ? metadataMax : DEFAULT_OFFSET_METADATA_MAX_BYTES,
  };
}

/** Requests whose group id may be empty (kept for old clients, as in Kafka). */
type GroupApi = 'join' | 'sync' | 'heartbeat' | 'leave' | 'commit' | 'fetch' | 'describe' | 'delete' | 'offsetDelete';
const EMPTY_ID_ALLOWED = new Set<GroupApi>(['commit', 'fetch', 'describe', 'delete']);

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  /** OffsetCommit v1's per-partition timestamp; -1n = now. */
  commitTimestamp?: bigint;
}

export interface CommitParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  /** OffsetCommit v2-v4 retention; -1n = the broker's offsets.retention.minutes. */
  retentionTimeMs?: bigint;
  offsets: OffsetToCommit[];
}

export interface PartitionError extends TopicPartitionKey {
  errorCode: number;
}

export interface GroupCoordinatorOptions {
  log: OffsetsLog;
  config: () => GroupCoordinatorConfig;
  scheduler?: Scheduler;
  logger?: (message: string) => void;
}

export class GroupCoordinator {
  readonly manager: GroupManager;
  private readonly membership: Membership;
  private readonly scheduler: Scheduler;
  private readonly logger: (message: string) => void;
  private active = false;
  private retentionTimer: TimerHandle | null = null;

  constructor(private readonly options: GroupCoordinatorOptions) {
    this.scheduler = options.scheduler ?? new RealScheduler();
    const logger = this.logger = options.logger ?? (() => undefined);
    this.manager = new GroupManager(options.log, () => this.scheduler.now(), logger);
    this.membership = new Membership(this.manager, this.scheduler, options.config, logger);
  }

  /** Load groups and offsets from __consumer_offsets, then start serving and the retention check. */
  async startup(): Promise<void> {
    this.active = true;
    const loaded = await this.manager.load();
    // Loaded members get a fresh session: they must heartbeat or be removed.
    for (const group of loaded) {
      for (const member of group.members.values()) this.membership.scheduleHeartbeat(group, member);
    }
    this.scheduleRetentionCheck();
  }

  /** Stop timers and answer waiting JoinGroup/SyncGroup requests with NOT_COORDINATOR. */
  async shutdown(): Promise<void> {
    this.active = false;
    this.retentionTimer?.cancel();
    this.retentionTimer = null;
    for (const group of this.manager.groups.values()) {
      this.membership.cancelAllTimers(group);
      this.membership.failPending(group, ErrorCode.NOT_COORDINATOR);
    }
  }

  get isActive(): boolean {
    return this.active;
  }

  partitionFor(groupId: string): number {
    return this.manager.partitionFor(groupId);
  }

  /** Create __consumer_offsets if it does not exist yet (its partitions' logs follow in the background). */
  ensureOffsetsTopic(): Promise<void> {
    return this.options.log.ensureTopic();
  }

  /**
   * FindCoordinator for a group: NONE once the group's partition has its log. Until then
   * COORDINATOR_NOT_AVAILABLE (what Kafka answers while __consumer_offsets or the partition's
   * leader does not exist yet), having started what is missing: the topic on first use, as Kafka
   * does, and the partition's log ahead of the others, so that the client's retry finds it.
   */
  findCoordinator(groupId: string): number {
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const partition = this.partitionFor(groupId);
    if (this.options.log.partitionState(partition) === 'ready') return ErrorCode.NONE;
    this.options.log.prepare(partition).catch((err) => this.logger(`creating __consumer_offsets failed: ${(err as Error).message}`));
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }

  /**
   * Kafka's validateGroupStatus: the group's partition must be loaded (LOAD_IN_PROGRESS while the
   * coordinator loads on start or the partition's log is being created) and owned (NOT_COORDINATOR
   * before __consumer_offsets exists or when the partition's log could not be created: the client
   * goes back to FindCoordinator, which creates it).
   */
  private validate(groupId: string | null, api: GroupApi): number | null {
    if (groupId === null || (groupId === '' && !EMPTY_ID_ALLOWED.has(api))) return ErrorCode.INVALID_GROUP_ID;
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (this.manager.loading) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    switch (this.options.log.partitionState(this.partitionFor(groupId))) {
      case 'loading': return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      case 'absent': return ErrorCode.NOT_COORDINATOR;
      default: return null;
    }
  }

  joinGroup(p: JoinParams): Promise<JoinGroupResult> {
    return new Promise((resolve) => {
      const fail = (errorCode: number) => resolve({errorCode, generationId: -1, protocolType: null, protocolName: null,
        leader: '', skipAssignment: false, memberId: p.memberId, members: []});
      const error = this.validate(p.groupId, 'join');
      if (error !== null) return fail(error);
      const config = this.options.config();
      if (p.sessionTimeoutMs < config.groupMinSessionTimeoutMs || p.sessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
        return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
      }
      // Only a member without an id may create the group.
      const group = this.manager.getOrCreate(p.groupId, p.memberId === UNKNOWN_MEMBER_ID);
      if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      this.membership.join(group, p, resolve);
      this.dropIfUnused(group);
    });
  }

  syncGroup(p: SyncParams): Promise<SyncGroupResult> {
    return new Promise((resolve) => {
      const error = this.validate(p.groupId, 'sync');
      if (error !== null) {
        // A loading coordinator lost the rebalance: REBALANCE_IN_PROGRESS sends the member back to JoinGroup.
        const code = error === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.REBALANCE_IN_PROGRESS : error;
        return resolve({errorCode: code, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)});
      }
      this.membership.sync(this.manager.get(p.groupId), p, resolve);
    });
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const error = this.validate(groupId, 'heartbeat');
    // As Kafka: a loading coordinator answers heartbeats blindly; the member finds out at its next JoinGroup/SyncGroup.
    if (error !== null) return error === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.NONE : error;
    return this.membership.heartbeat(this.manager.get(groupId), memberId, groupInstanceId, generationId);
  }

  /** LeaveGroup: a top-level error, or one error per leaving member. */
  leaveGroup(groupId: string, members: {memberId: string; groupInstanceId: string | null}[]):
    {errorCode: number; members: {memberId: string; groupInstanceId: string | null; errorCode: number}[]} {
    const error = this.validate(groupId, 'leave');
    if (error !== null) return {errorCode: error, members: []};
    const group = this.manager.get(groupId);
    if (!group) return {errorCode: ErrorCode.NONE, members: members.map((m) => ({...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID}))};
    if (group.is('Dead')) return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: []};
    return {
      errorCode: ErrorCode.NONE,
      members: members.map((m) => ({...m, errorCode: this.membership.leave(group, m.memberId, m.groupInstanceId)})),
    };
  }

  /** OffsetCommit for known topic-partitions (the handler answers unknown ones itself). */
  async commitOffsets(p: CommitParams): Promise<PartitionError[]> {
    const all = (errorCode: number): PartitionError[] => p.offsets.map((o) => ({topic: o.topic, partition: o.partition, errorCode}));
    const error = this.validate(p.groupId, 'commit');
    if (error !== null) return all(error);
    let group = this.manager.get(p.groupId);
    if (!group) {
      // Without a group, only a simple consumer (generation < 0) may commit; anything else is stale.
      if (p.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = this.manager.getOrCreate(p.groupId, true)!;
    }
    const invalid = this.validateCommit(group, p);
    if (invalid !== null) return all(invalid);
    if (group.is('CompletingRebalance')) return all(ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.is('Stable') || group.is('PreparingRebalance')) this.membership.scheduleHeartbeat(group, group.get(p.memberId));

    const now = BigInt(this.scheduler.now());
    const retention = p.retentionTimeMs ?? -1n;
    const maxMetadata = this.options.config().offsetMetadataMaxBytes;
    const accepted = new Map<string, CommittedOffset>();
    for (const o of p.offsets) {
      const metadata = o.metadata ?? '';
      if (metadata.length > maxMetadata) continue;
      const custom = o.commitTimestamp !== undefined && o.commitTimestamp !== -1n;
      const commitTimestamp = custom ? o.commitTimestamp! : now;
      accepted.set(offsetKey(o.topic, o.partition), {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata,
        commitTimestamp,
        // A Java long sum: a retention near Long.MAX_VALUE wraps, as in Kafka, instead of failing the encode.
        expireTimestamp: retention === -1n ? null : BigInt.asIntN(64, commitTimestamp + retention),
      });
    }
    const tooLarge = (o: OffsetToCommit) => (o.metadata ?? '').length > maxMetadata;
    if (accepted.size === 0) {
      this.dropIfUnused(group);
      return all(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    }
    const result = await this.manager.storeOffsets(group, accepted);
    this.dropIfUnused(group);
    return p.offsets.map((o) => ({topic: o.topic, partition: o.partition, errorCode: tooLarge(o) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : result}));
  }

  private validateCommit(group: GroupMetadata, p: CommitParams): number | null {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (p.generationId >= 0 || p.memberId !== UNKNOWN_MEMBER_ID || p.groupInstanceId !== null) {
      if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
      if (!group.has(p.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (p.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      return null;
    }
    // A commit without member identity is for simple consumers: only while the group has no members.
    return group.is('Empty') ? null : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** OffsetFetch for one group: null partitions = every committed offset of the group. */
  fetchOffsets(groupId: string, partitions: TopicPartitionKey[] | null, requireStable: boolean): {errorCode: number; offsets: FetchedOffset[]} {
    const error = this.validate(groupId, 'fetch');
    if (error !== null) return {errorCode: error, offsets: []};
    return {errorCode: ErrorCode.NONE, offsets: this.manager.getOffsets(groupId, requireStable, partitions)};
  }

  /**
   * ListGroups with Kafka's optional state filter (case-insensitive) and type filter (all groups
   * are "classic"). LOAD_IN_PROGRESS only while groups are loaded on start: a partition whose log
   * is still being created holds no group, so the list is complete without it.
   */
  listGroups(states: string[] = [], types: string[] = []): {errorCode: number; groups: GroupOverview[]} {
    if (!this.active) return {errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: []};
    const errorCode = this.manager.loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
    const wantedStates = new Set(states.map((s) => s.toLowerCase()));
    const wantedTypes = new Set(types.map((t) => t.toLowerCase()));
    if (wantedTypes.size > 0 && !wantedTypes.has('classic')) return {errorCode, groups: []};
    const groups = [...this.manager.groups.values()]
      .filter((g) => wantedStates.size === 0 || wantedStates.has(g.state.toLowerCase()))
      .map((g) => g.overview());
    return {errorCode, groups};
  }

  describeGroup(groupId: string): {errorCode: number; summary: GroupSummary} {
    const error = this.validate(groupId, 'describe');
    const empty = (state: GroupSummary['state']): GroupSummary => ({groupId, state, protocolType: '', protocol: '', members: []});
    // Kafka describes a group it cannot serve with no state at all, an unknown one as Dead.
    if (error !== null) return {errorCode: error, summary: empty('')};
    const group = this.manager.get(groupId);
    return {errorCode: ErrorCode.NONE, summary: group ? group.summary() : empty('Dead')};
  }

  /** DeleteGroups: only Empty groups go (with their offsets); others get NON_EMPTY_GROUP. */
  async deleteGroups(groupIds: string[]): Promise<{groupId: string; errorCode: number}[]> {
    const results = new Map<string, number>();
    const eligible: GroupMetadata[] = [];
    for (const groupId of groupIds) {
      const error = this.validate(groupId, 'delete');
      if (error !== null) { results.set(groupId, error); continue; }
      const group = this.manager.get(groupId);
      if (!group || group.is('Dead')) results.set(groupId, ErrorCode.GROUP_ID_NOT_FOUND);
      else if (group.is('Empty')) {
        group.transitionTo('Dead', this.scheduler.now());
        this.membership.cancelAllTimers(group);
        eligible.push(group);
      } else results.set(groupId, ErrorCode.NON_EMPTY_GROUP);
    }
    if (eligible.length > 0) {
      await this.manager.cleanupGroupMetadata(eligible, (g) => [...g.offsets.keys()]);
      for (const group of eligible) results.set(group.groupId, ErrorCode.NONE);
    }
    return groupIds.map((groupId) => ({groupId, errorCode: results.get(groupId) ?? ErrorCode.NONE}));
  }

  /** OffsetDelete: refused per partition while an active consumer group subscribes to its topic. */
  async deleteOffsets(groupId: string, partitions: TopicPartitionKey[]): Promise<{errorCode: number; partitions: PartitionError[]}> {
    const error = this.validate(groupId, 'offsetDelete');
    if (error !== null) return {errorCode: error, partitions: []};
    const group = this.manager.get(groupId);
    if (!group || group.is('Dead')) return {errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: []};
    let eligible: TopicPartitionKey[];
    const refused: PartitionError[] = [];
    if (group.is('Empty')) {
      eligible = partitions;
    } else if (group.isConsumerGroup()) {
      eligible = [];
      for (const tp of partitions) {
        if (group.isSubscribedToTopic(tp.topic)) refused.push({...tp, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC});
        else eligible.push(tp);
      }
    } else {
      return {errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: []};
    }
    if (eligible.length > 0) {
      const keys = eligible.map((tp) => offsetKey(tp.topic, tp.partition));
      await this.manager.cleanupGroupMetadata([group], (g) => keys.filter((k) => g.offsets.has(k)));
    }
    const done = eligible.map((tp) => ({...tp, errorCode: ErrorCode.NONE}));
    return {errorCode: ErrorCode.NONE, partitions: [...done, ...refused]};
  }

  /** Expire offsets per offsets.retention.minutes now (the periodic check calls this). */
  async expireOffsets(): Promise<number> {
    const removed = await this.manager.removeExpiredOffsets(this.options.config().offsetsRetentionMs);
    for (const group of this.manager.groups.values()) if (group.is('Dead')) this.membership.cancelAllTimers(group);
    return removed;
  }

  private scheduleRetentionCheck(): void {
    const interval = this.options.config().offsetsRetentionCheckIntervalMs;
    this.retentionTimer = this.scheduler.schedule(interval, () => {
      if (!this.active) return;
      void this.expireOffsets().finally(() => { if (this.active) this.scheduleRetentionCheck(); });
    });
  }

  /** A group created for a request that left nothing in it (rejected join) is not kept. */
  private dropIfUnused(group: GroupMetadata): void {
    if (group.is('Empty') && group.size === 0 && group.pendingMembers.size === 0 && !group.hasOffsets()
      && group.generationId === 0 && group.joinTimer === null) {
      this.manager.groups.delete(group.groupId);
    }
  }
}
