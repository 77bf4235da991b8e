/**
 * The SyncGroup half of a rebalance: members wait for the leader's assignment, which is stored
 * in __consumer_offsets before anyone gets it; members that never sync within the rebalance
 * timeout are removed and the group rebalances again (Kafka's pending-sync expiry, KIP-814 era).
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import type {GroupMetadata} from './group.js';
import type {GroupManager} from './group-manager.js';
import type {MemberMetadata} from './member.js';
import type {Scheduler} from './scheduler.js';
import type {SyncGroupResult} from './types.js';
import {EMPTY_BUFFER} from './types.js';

export interface SyncParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Map<string, Buffer>;
}

export type SyncCallback = (r: SyncGroupResult) => void;

export const syncError = (errorCode: number): SyncGroupResult => ({errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BUFFER});

/** What the sync phase needs from the rest of the membership protocol. */
export interface SyncHooks {
  scheduleHeartbeat(group: GroupMetadata, member: MemberMetadata): void;
  cancelHeartbeat(member: MemberMetadata): void;
  prepareRebalance(group: GroupMetadata, reason: string): void;
  maybePrepareRebalance(group: GroupMetadata, reason: string): void;
}

export class SyncPhase {
  constructor(
    private readonly manager: GroupManager,
    private readonly scheduler: Scheduler,
    private readonly hooks: SyncHooks,
  ) {}

  sync(group: GroupMetadata | undefined, p: SyncParams, respond: SyncCallback): void {
    if (!group) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.is('Dead')) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (group.isStaticMemberFenced(p.groupInstanceId, p.memberId)) return respond(syncError(ErrorCode.FENCED_INSTANCE_ID));
    if (!group.has(p.memberId)) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (p.generationId !== group.generationId) return respond(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (p.protocolType !== null && group.protocolType !== p.protocolType) return respond(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    if (p.protocolName !== null && group.protocolName !== p.protocolName) return respond(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    switch (group.state) {
      case 'Empty':
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        group.get(p.memberId).awaitingSync = respond;
        this.removePendingSyncMember(group, p.memberId);
        if (!group.isLeader(p.memberId)) return;
        // Members the leader left out get an empty assignment.
        const assignment = new Map<string, Buffer>();
        for (const id of group.members.keys()) assignment.set(id, p.assignments.get(id) ?? EMPTY_BUFFER);
        const generation = group.generationId;
        void this.manager.storeGroup(group, assignment).then((errorCode) => {
          // Another join may have started a new rebalance meanwhile: then this result is stale.
          if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
          if (errorCode !== ErrorCode.NONE) {
            this.resetAndPropagateAssignmentError(group, errorCode);
            this.hooks.maybePrepareRebalance(group, `error ${errorCode} storing the assignment of ${p.memberId}`);
          } else {
            for (const member of group.members.values()) member.assignment = assignment.get(member.memberId) ?? EMPTY_BUFFER;
            this.propagateAssignment(group, ErrorCode.NONE);
            group.transitionTo('Stable', this.scheduler.now());
          }
        });
        return;
      }
      case 'Stable': {
        this.removePendingSyncMember(group, p.memberId);
        const member = group.get(p.memberId);
        respond({errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment});
        this.hooks.scheduleHeartbeat(group, member);
        return;
      }
      default:
        return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }
  }

  resetAndPropagateAssignmentError(group: GroupMetadata, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = EMPTY_BUFFER;
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: GroupMetadata, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const member of group.members.values()) {
      const sent = group.maybeInvokeSyncCallback(member, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      });
      // Session expiry was suspended while the member waited; start counting again.
      if (sent) this.hooks.scheduleHeartbeat(group, member);
    }
  }

  schedulePendingSync(group: GroupMetadata): void {
    this.cancelSyncTimer(group);
    const generation = group.generationId;
    group.syncTimer = this.scheduler.schedule(group.rebalanceTimeoutMs(), () => {
      group.syncTimer = null;
      this.onExpirePendingSync(group, generation);
    });
  }

  cancelSyncTimer(group: GroupMetadata): void {
    group.syncTimer?.cancel();
    group.syncTimer = null;
  }

  private removePendingSyncMember(group: GroupMetadata, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.cancelSyncTimer(group);
  }

  /** Members that never sent SyncGroup within the rebalance timeout are removed and the group rebalances. */
  private onExpirePendingSync(group: GroupMetadata, generation: number): void {
    if (generation !== group.generationId) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.pendingSyncMembers.size === 0) return;
    const pending = [...group.pendingSyncMembers];
    for (const memberId of pending) {
      const member = group.members.get(memberId);
      group.remove(memberId);
      if (member) this.hooks.cancelHeartbeat(member);
    }
    this.hooks.prepareRebalance(group, `removing ${pending.join(', ')} on pending sync request expiration`);
  }
}
