/**
 * One classic consumer group (Kafka's GroupMetadata): its state machine, members, static
 * members, pending members, protocol selection and committed offsets. Pure bookkeeping: timers
 * and persistence belong to the coordinator and the group manager.
 */
import type {MemberMetadata} from './member.js';
import type {TimerHandle} from './scheduler.js';
import {subscriptionTopics} from './subscription.js';
import type {CommittedOffset, GroupOverview, GroupState, GroupSummary, JoinGroupMember, JoinGroupResult, JoinProtocol} from './types.js';
import {CONSUMER_PROTOCOL_TYPE} from './types.js';
import {ErrorCode} from '../../protocol/error-codes.js';

/** Which states each state may be entered from (GroupMetadata.scala). */
const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function parseOffsetKey(key: string): {topic: string; partition: number} {
  const at = key.lastIndexOf('\u0000');
  return {topic: key.slice(0, at), partition: Number(key.slice(at + 1))};
}

export class GroupMetadata {
  state: GroupState;
  currentStateTimestamp: number | null;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, MemberMetadata>();
  /** group.instance.id -> current member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
  readonly pendingMembers = new Map<string, TimerHandle | null>();
  readonly pendingSyncMembers = new Set<string>();
  private numMembersAwaitingJoin = 0;
  private readonly protocolVotes = new Map<string, number>();
  /** Set when a member joins during the initial delayed join, which extends the delay. */
  newMemberAdded = false;
  subscribedTopics: Set<string> | null = null;
  /** Offsets by offsetKey(topic, partition). */
  readonly offsets = new Map<string, CommittedOffset>();
  /** Offset commits appended but not yet durable, by offsetKey. */
  readonly pendingOffsetCommits = new Map<string, number>();
  /** Rebalance (join) and pending-sync timers, owned by the coordinator. */
  joinTimer: TimerHandle | null = null;
  syncTimer: TimerHandle | null = null;

  constructor(readonly groupId: string, initialState: GroupState, nowMs: number) {
    this.state = initialState;
    this.currentStateTimestamp = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, nowMs: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`Group ${this.groupId} should be in one of ${VALID_PREVIOUS[state].join(',')} before moving to ${state}, but is ${this.state}`);
    }
    this.state = state;
    this.currentStateTimestamp = nowMs;
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata {
    const member = this.members.get(memberId);
    if (!member) throw new Error(`member ${memberId} is not in group ${this.groupId}`);
    return member;
  }

  get size(): number {
    return this.members.size;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  isConsumerGroup(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  hasStaticMember(groupInstanceId: string | null): boolean {
    return groupInstanceId !== null && this.staticMembers.has(groupInstanceId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** A static member id that no longer owns its group.instance.id must shut down. */
  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  add(member: MemberMetadata, callback: ((r: JoinGroupResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    for (const name of member.protocols()) this.protocolVotes.set(name, (this.protocolVotes.get(name) ?? 0) + 1);
    if (this.leaderId === null) this.leaderId = member.memberId;
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.members.set(member.memberId, member);
    this.pendingMembers.get(member.memberId)?.cancel();
    this.pendingMembers.delete(member.memberId);
    if (callback) this.numMembersAwaitingJoin++;
    member.awaitingJoin = callback;
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    if (member.isAwaitingJoin) this.numMembersAwaitingJoin--;
    for (const name of member.protocols()) this.decrementVote(name);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingSyncMembers.delete(memberId);
  }

  /** Give a static member a new member id (a restarted instance), keeping its place. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): MemberMetadata {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`cannot replace non-existing member ${oldMemberId} of ${groupInstanceId}`);
    // The old instance's pending responses are answered with ErrorCode.FENCED_INSTANCE_ID: it has been replaced.
    if (member.awaitingJoin) {
      member.awaitingJoin(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
      member.awaitingJoin = null;
      this.numMembersAwaitingJoin--;
    }
    if (member.awaitingSync) {
      member.awaitingSync({errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)});
      member.awaitingSync = null;
    }
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return member;
  }

  updateMember(member: MemberMetadata, protocols: JoinProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number,
    callback: ((r: JoinGroupResult) => void) | null): void {
    for (const name of member.protocols()) this.decrementVote(name);
    member.supportedProtocols = protocols;
    for (const name of member.protocols()) this.protocolVotes.set(name, (this.protocolVotes.get(name) ?? 0) + 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (callback && !member.isAwaitingJoin) this.numMembersAwaitingJoin++;
    else if (!callback && member.isAwaitingJoin) this.numMembersAwaitingJoin--;
    member.awaitingJoin = callback;
  }

  /** Answer a member's pending JoinGroup, if any. */
  maybeInvokeJoinCallback(member: MemberMetadata, result: JoinGroupResult): void {
    if (!member.awaitingJoin) return;
    const callback = member.awaitingJoin;
    member.awaitingJoin = null;
    member.isNew = false;
    this.numMembersAwaitingJoin--;
    callback(result);
  }

  /** Answer a member's pending SyncGroup, if any; true when there was one. */
  maybeInvokeSyncCallback(member: MemberMetadata, result: {errorCode: number; protocolType: string | null; protocolName: string | null; assignment: Buffer}): boolean {
    if (!member.awaitingSync) return false;
    const callback = member.awaitingSync;
    member.awaitingSync = null;
    callback(result);
    return true;
  }

  awaitingJoinCount(): number {
    return this.numMembersAwaitingJoin;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** Largest rebalance timeout among members: how long a rebalance may wait for them. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Whether a joining member's protocols fit this group (same type, one protocol all support). */
  supportsProtocols(protocolType: string, protocols: JoinProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => (this.protocolVotes.get(p.name) ?? 0) === this.members.size);
  }

  /** The protocol all members support that most members prefer (each votes its first candidate). */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`cannot select protocol for empty group ${this.groupId}`);
    const candidates = new Set([...this.protocolVotes].filter(([, n]) => n === this.members.size).map(([name]) => name));
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) if (n > bestVotes) { best = name; bestVotes = n; }
    return best;
  }

  /** If the leader has not rejoined, make any rejoined member the leader; false when none rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', nowMs);
    }
    this.pendingSyncMembers.clear();
  }

  /** Topics the members subscribe to, when this is a consumer group whose metadata parses. */
  computeSubscribedTopics(): Set<string> | null {
    if (!this.isConsumerGroup() || this.protocolName === null || this.members.size === 0) return null;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const parsed = subscriptionTopics(member.metadata(this.protocolName));
      if (parsed === null) return null;
      for (const t of parsed) topics.add(t);
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics?.has(topic) ?? false;
  }

  /** Members with their metadata for the chosen protocol: what the leader receives. */
  currentMemberMetadata(): JoinGroupMember[] {
    if (this.protocolName === null) throw new Error(`no protocol selected for group ${this.groupId}`);
    const protocol = this.protocolName;
    return [...this.members.values()].map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(protocol)}));
  }

  summary(): GroupSummary {
    const stable = this.is('Stable');
    return {
      groupId: this.groupId,
      state: this.state,
      protocolType: this.protocolType ?? '',
      protocol: stable ? this.protocolName ?? '' : '',
      members: [...this.members.values()].map((m) => m.summary(stable ? this.protocolName : null)),
    };
  }

  overview(): GroupOverview {
    return {groupId: this.groupId, protocolType: this.protocolType ?? '', state: this.state};
  }

  hasOffsets(): boolean {
    return this.offsets.size > 0 || this.pendingOffsetCommits.size > 0;
  }

  hasPendingOffsetCommit(key: string): boolean {
    return (this.pendingOffsetCommits.get(key) ?? 0) > 0;
  }

  private decrementVote(name: string): void {
    const n = (this.protocolVotes.get(name) ?? 0) - 1;
    if (n <= 0) this.protocolVotes.delete(name);
    else this.protocolVotes.set(name, n);
  }
}




/** A JoinGroup answer carrying only an error. */
export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return {errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: []};
}
