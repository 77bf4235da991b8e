/**
 * The classic group membership protocol (the JoinGroup/SyncGroup/Heartbeat/LeaveGroup half of
 * Kafka's GroupCoordinator): rebalances, leader election, static membership, and the session,
 * rebalance, pending-member and pending-sync timers. Answers are delivered through callbacks
 * because a JoinGroup waits for the whole group; the coordinator wraps them in promises.
 */
import {randomUUID} from 'node:crypto';
import {ErrorCode} from '../../protocol/error-codes.js';
import {type GroupMetadata, joinError} from './group.js';
import type {GroupManager} from './group-manager.js';
import {MemberMetadata} from './member.js';
import type {Scheduler} from './scheduler.js';
import {SyncPhase, type SyncCallback, type SyncParams, syncError} from './sync-phase.js';
import type {JoinGroupResult, JoinProtocol} from './types.js';

export type {SyncParams} from './sync-phase.js';
import {UNKNOWN_MEMBER_ID} from './types.js';

/** Kafka's NewMemberJoinTimeoutMs: a new member's JoinGroup is dropped after 5 minutes. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface JoinParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+ without group.instance.id: hand out a member id first (KIP-394). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a rejoining static leader may skip the assignment. */
  supportSkippingAssignment: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: JoinProtocol[];
}

export interface MembershipConfig {
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
}

type JoinCallback = (r: JoinGroupResult) => void;

export class Membership {
  private readonly syncPhase: SyncPhase;

  constructor(
    private readonly manager: GroupManager,
    private readonly scheduler: Scheduler,
    private readonly config: () => MembershipConfig,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.syncPhase = new SyncPhase(manager, scheduler, {
      scheduleHeartbeat: (group, member) => this.scheduleHeartbeat(group, member),
      cancelHeartbeat: (member) => this.cancelHeartbeat(member),
      prepareRebalance: (group, reason) => this.prepareRebalance(group, reason),
      maybePrepareRebalance: (group, reason) => this.maybePrepareRebalance(group, reason),
    });
  }

  // ---- JoinGroup ----

  join(group: GroupMetadata, p: JoinParams, respond: JoinCallback): void {
    if (!this.acceptJoiningMember(group, p.memberId)) {
      const member = group.members.get(p.memberId);
      if (member) {
        group.remove(p.memberId);
        this.cancelHeartbeat(member);
      }
      respond(joinError(UNKNOWN_MEMBER_ID, ErrorCode.GROUP_MAX_SIZE_REACHED));
      if (group.is('PreparingRebalance')) this.checkJoinComplete(group);
      return;
    }
    if (p.memberId === UNKNOWN_MEMBER_ID) this.doNewMemberJoin(group, p, respond);
    else this.doCurrentMemberJoin(group, p, respond);
    if (group.is('PreparingRebalance')) this.checkJoinComplete(group);
  }

  /** group.max.size: members already in (or rejoining) are accepted, new ones while there is room. */
  private acceptJoiningMember(group: GroupMetadata, memberId: string): boolean {
    const max = this.config().groupMaxSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        // Counting the members that rejoined lets the last rejoiners be the ones turned away.
        return (group.has(memberId) && group.get(memberId).isAwaitingJoin) || group.awaitingJoinCount() < max;
      default:
        return group.has(memberId) || group.size < max;
    }
  }

  private doNewMemberJoin(group: GroupMetadata, p: JoinParams, respond: JoinCallback): void {
    if (group.is('Dead')) {
      respond(joinError(p.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    } else if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      respond(joinError(p.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    } else {
      const newMemberId = `${p.clientId}-${randomUUID()}`;
      if (p.groupInstanceId !== null) {
        this.doStaticMemberJoin(group, newMemberId, p, respond);
      } else if (p.requireKnownMemberId) {
        // KIP-394: the member must come back with this id; until then it only holds a place.
        const timer = this.scheduler.schedule(p.sessionTimeoutMs, () => this.onExpirePendingMember(group, newMemberId));
        group.pendingMembers.set(newMemberId, timer);
        respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
      } else {
        this.addMemberAndRebalance(group, newMemberId, p, respond);
      }
    }
  }

  private doStaticMemberJoin(group: GroupMetadata, newMemberId: string, p: JoinParams, respond: JoinCallback): void {
    const oldMemberId = group.staticMemberId(p.groupInstanceId!);
    if (oldMemberId === undefined) {
      this.addMemberAndRebalance(group, newMemberId, p, respond);
      return;
    }
    const currentLeader = group.leaderId;
    const member = group.replaceStaticMember(p.groupInstanceId!, oldMemberId, newMemberId);
    // The old id's heartbeat timer must not expire the member under its new id.
    this.scheduleHeartbeat(group, member);
    const oldProtocols = member.supportedProtocols;
    const oldRebalanceTimeout = member.rebalanceTimeoutMs;
    const oldSessionTimeout = member.sessionTimeoutMs;
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, respond);
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== null && group.selectProtocol() === group.protocolName) {
          // Same protocol: no rebalance, persist the new member id and answer with the current generation.
          const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
          const generation = group.generationId;
          void this.manager.storeGroup(group, assignment).then((errorCode) => {
            if (errorCode !== ErrorCode.NONE) {
              // Revert to the old member id so the old instance keeps working; this one must retry.
              group.updateMember(member, oldProtocols, oldRebalanceTimeout, oldSessionTimeout, null);
              const reverted = group.replaceStaticMember(p.groupInstanceId!, newMemberId, oldMemberId);
              this.scheduleHeartbeat(group, reverted);
              respond(joinError(UNKNOWN_MEMBER_ID, errorCode));
              return;
            }
            const isLeader = group.isLeader(newMemberId);
            const skip = p.supportSkippingAssignment && isLeader;
            group.maybeInvokeJoinCallback(member, {
              errorCode: ErrorCode.NONE,
              generationId: generation,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              // The old leader id stops a non-skipping client from reassigning a Stable group.
              leader: (skip ? group.leaderId : currentLeader) ?? '',
              skipAssignment: skip,
              memberId: newMemberId,
              members: skip ? group.currentMemberMetadata() : [],
            });
          });
        } else {
          this.maybePrepareRebalance(group, `static member ${newMemberId} joined with a change of protocol`);
        }
        break;
      }
      case 'CompletingRebalance':
        // The leader may already hold the old member id: only a new rebalance gives this id an assignment.
        this.prepareRebalance(group, `updating metadata for static member ${newMemberId}`);
        break;
      case 'PreparingRebalance':
        break;
      default:
        throw new Error(`group ${group.groupId} in unexpected state ${group.state} with static member ${p.groupInstanceId}`);
    }
  }

  private doCurrentMemberJoin(group: GroupMetadata, p: JoinParams, respond: JoinCallback): void {
    const memberId = p.memberId;
    if (group.is('Dead')) {
      respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    } else if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      respond(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    } else if (group.isPendingMember(memberId)) {
      if (p.groupInstanceId !== null) {
        respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      } else {
        this.addMemberAndRebalance(group, memberId, p, respond);
      }
    } else if (group.isStaticMemberFenced(p.groupInstanceId, memberId)) {
      respond(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
    } else if (!group.has(memberId) || (p.groupInstanceId !== null && !group.hasStaticMember(p.groupInstanceId))) {
      respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    } else {
      const member = group.get(memberId);
      switch (group.state) {
        case 'PreparingRebalance':
          this.updateMemberAndRebalance(group, member, p, respond, `member ${memberId} joining during PreparingRebalance`);
          break;
        case 'CompletingRebalance':
          if (member.matches(p.protocols)) {
            // Same metadata (it missed the JoinGroup response): the current generation again.
            respond(this.currentGenerationResult(group, memberId, group.isLeader(memberId)));
          } else {
            this.updateMemberAndRebalance(group, member, p, respond, `member ${memberId} changed metadata during CompletingRebalance`);
          }
          break;
        case 'Stable':
          if (group.isLeader(memberId) || !member.matches(p.protocols)) {
            // A leader rejoining asks for a rebalance (e.g. topic metadata changed).
            this.updateMemberAndRebalance(group, member, p, respond, `member ${memberId} rejoining a Stable group`);
          } else {
            respond(this.currentGenerationResult(group, memberId, false));
          }
          break;
        default:
          respond(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      }
    }
  }

  private currentGenerationResult(group: GroupMetadata, memberId: string, withMembers: boolean): JoinGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(group: GroupMetadata, memberId: string, p: JoinParams, respond: JoinCallback): void {
    const member = new MemberMetadata(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs,
      p.sessionTimeoutMs, p.protocolType, p.protocols);
    member.isNew = true;
    // A member joining the first generation's delayed join extends the delay.
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, respond);
    // New members cannot heartbeat while their JoinGroup waits; a long wait drops them (they retry).
    this.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding new member ${memberId}`);
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, p: JoinParams, respond: JoinCallback, reason: string): void {
    group.updateMember(member, p.protocols, p.rebalanceTimeoutMs, p.sessionTimeoutMs, respond);
    this.maybePrepareRebalance(group, reason);
  }

  maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
  }

  prepareRebalance(group: GroupMetadata, reason: string): void {
    // Members waiting for their assignment must rejoin instead.
    if (group.is('CompletingRebalance')) this.syncPhase.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.syncPhase.cancelSyncTimer(group);
    const initialDelay = this.config().groupInitialRebalanceDelayMs;
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.scheduler.now());
    this.log(`Preparing to rebalance group ${group.groupId} in state PreparingRebalance with old generation ${group.generationId}: ${reason}`);
    group.joinTimer?.cancel();
    if (wasEmpty) {
      this.scheduleInitialJoin(group, initialDelay, Math.max(group.rebalanceTimeoutMs() - initialDelay, 0));
    } else {
      group.joinTimer = this.scheduler.schedule(group.rebalanceTimeoutMs(), () => this.completeJoin(group));
      this.checkJoinComplete(group);
    }
  }

  /** The first rebalance of an empty group waits group.initial.rebalance.delay.ms, longer while members keep coming. */
  private scheduleInitialJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    group.newMemberAdded = false;
    const timer = this.scheduler.schedule(delayMs, () => {
      if (group.joinTimer !== timer) return;
      const configured = this.config().groupInitialRebalanceDelayMs;
      if (group.newMemberAdded && remainingMs !== 0) {
        const delay = Math.min(configured, remainingMs);
        this.scheduleInitialJoin(group, delay, Math.max(remainingMs - delay, 0));
      } else {
        this.completeJoin(group);
      }
    });
    group.joinTimer = timer;
    (timer as {initial?: boolean}).initial = true;
  }

  /** Complete the join phase early once every member has rejoined (not during the initial delay). */
  checkJoinComplete(group: GroupMetadata): void {
    const timer = group.joinTimer;
    if (!timer || (timer as {initial?: boolean}).initial) return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  private completeJoin(group: GroupMetadata): void {
    group.joinTimer?.cancel();
    group.joinTimer = null;
    // Dynamic members that did not rejoin in time are gone; static ones keep their place.
    for (const member of group.notYetRejoinedMembers()) {
      if (member.isStaticMember) continue;
      group.remove(member.memberId);
      this.cancelHeartbeat(member);
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Nobody rejoined: wait another rebalance timeout for session expiry to clear them out.
      group.joinTimer = this.scheduler.schedule(group.rebalanceTimeoutMs(), () => this.completeJoin(group));
      this.checkJoinComplete(group);
      return;
    }
    group.initNextGeneration(this.scheduler.now());
    if (group.is('Empty')) {
      this.log(`Group ${group.groupId} with generation ${group.generationId} is now empty`);
      void this.manager.storeGroup(group, new Map());
      return;
    }
    this.log(`Stabilized group ${group.groupId} generation ${group.generationId} with ${group.size} members`);
    for (const member of [...group.members.values()]) {
      group.maybeInvokeJoinCallback(member, this.currentGenerationResult(group, member.memberId, group.isLeader(member.memberId)));
      member.isNew = false;
      this.scheduleHeartbeat(group, member);
      group.pendingSyncMembers.add(member.memberId);
    }
    this.syncPhase.schedulePendingSync(group);
  }

  // ---- SyncGroup ----

  sync(group: GroupMetadata | undefined, p: SyncParams, respond: SyncCallback): void {
    this.syncPhase.sync(group, p, respond);
  }

  // ---- Heartbeat ----

  heartbeat(group: GroupMetadata | undefined, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (!group.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.scheduleHeartbeat(group, group.get(memberId));
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Restart the member's session timer (Kafka's completeAndScheduleNextExpiration). */
  scheduleHeartbeat(group: GroupMetadata, member: MemberMetadata, timeoutMs = member.sessionTimeoutMs): void {
    this.cancelHeartbeat(member);
    member.heartbeatSatisfied = false;
    // Members in the middle of a rebalance are alive by definition; their timer restarts after it.
    if (member.hasSatisfiedHeartbeat()) return;
    const memberId = member.memberId;
    const timer = this.scheduler.schedule(timeoutMs, () => {
      if (member.heartbeatTimer !== timer) return;
      member.heartbeatTimer = null;
      this.onExpireHeartbeat(group, memberId);
    });
    member.heartbeatTimer = timer;
  }

  cancelHeartbeat(member: MemberMetadata): void {
    member.heartbeatTimer?.cancel();
    member.heartbeatTimer = null;
  }

  private onExpireHeartbeat(group: GroupMetadata, memberId: string): void {
    if (group.is('Dead') || !group.has(memberId)) return;
    const member = group.get(memberId);
    if (member.hasSatisfiedHeartbeat()) return;
    this.log(`Member ${memberId} in group ${group.groupId} has failed, removing it from the group`);
    this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on heartbeat expiration`);
  }

  private onExpirePendingMember(group: GroupMetadata, memberId: string): void {
    if (!group.pendingMembers.has(memberId)) return;
    this.removePendingMember(group, memberId);
  }

  // ---- LeaveGroup ----

  /** One leaving member's error code. */
  leave(group: GroupMetadata, memberId: string, groupInstanceId: string | null): number {
    if (memberId === UNKNOWN_MEMBER_ID) {
      // Administrative removal by group.instance.id.
      const current = groupInstanceId === null ? undefined : group.staticMemberId(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeCurrentMember(group, current, `static member ${groupInstanceId} removed`);
      return ErrorCode.NONE;
    }
    if (group.isPendingMember(memberId)) {
      this.removePendingMember(group, memberId);
      return ErrorCode.NONE;
    }
    if (group.isStaticMemberFenced(groupInstanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (group.has(memberId)) {
      this.removeCurrentMember(group, memberId, `member ${memberId} left the group`);
      return ErrorCode.NONE;
    }
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private removeCurrentMember(group: GroupMetadata, memberId: string, reason: string): void {
    const member = group.get(memberId);
    this.removeMemberAndUpdateGroup(group, member, reason);
    this.cancelHeartbeat(member);
  }

  private removePendingMember(group: GroupMetadata, memberId: string): void {
    group.pendingMembers.get(memberId)?.cancel();
    group.pendingMembers.delete(memberId);
    if (group.is('PreparingRebalance')) this.checkJoinComplete(group);
  }

  private removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    // A new member may still wait in JoinGroup: tell it to retry.
    group.maybeInvokeJoinCallback(member, joinError(UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        break;
      case 'PreparingRebalance':
        this.checkJoinComplete(group);
        break;
      default:
        break;
    }
  }

  /** Stop every timer of a group that is going away. */
  cancelAllTimers(group: GroupMetadata): void {
    group.joinTimer?.cancel();
    group.joinTimer = null;
    this.syncPhase.cancelSyncTimer(group);
    for (const timer of group.pendingMembers.values()) timer?.cancel();
    for (const member of group.members.values()) this.cancelHeartbeat(member);
  }

  /** Answer every waiting JoinGroup/SyncGroup with `errorCode` (broker shutdown). */
  failPending(group: GroupMetadata, errorCode: number): void {
    for (const member of group.members.values()) {
      group.maybeInvokeJoinCallback(member, joinError(member.memberId, errorCode));
      group.maybeInvokeSyncCallback(member, syncError(errorCode));
    }
  }
}
