/**
 * One member of a classic group (Kafka's MemberMetadata): identity, timeouts, the protocols it
 * supports with their metadata, its assignment, and the pending JoinGroup/SyncGroup responses.
 */
import type {TimerHandle} from './scheduler.js';
import type {JoinGroupResult, JoinProtocol, MemberSummary, SyncGroupResult} from './types.js';
import {EMPTY_BUFFER} from './types.js';

export class MemberMetadata {
  assignment: Buffer = EMPTY_BUFFER;
  awaitingJoin: ((result: JoinGroupResult) => void) | null = null;
  awaitingSync: ((result: SyncGroupResult) => void) | null = null;
  /** A member that joined but has not yet received a JoinGroup response. */
  isNew = false;
  heartbeatSatisfied = false;
  heartbeatTimer: TimerHandle | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public supportedProtocols: JoinProtocol[],
  ) {}

  get isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  protocols(): Set<string> {
    return new Set(this.supportedProtocols.map((p) => p.name));
  }

  /** The metadata this member sent for `protocol`. */
  metadata(protocol: string): Buffer {
    const found = this.supportedProtocols.find((p) => p.name === protocol);
    if (!found) throw new Error(`member ${this.memberId} does not support protocol ${protocol}`);
    return found.metadata;
  }

  /** Whether a rejoin carries exactly the protocols and metadata this member already has. */
  matches(protocols: JoinProtocol[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false;
    return protocols.every((p, i) => p.name === this.supportedProtocols[i].name && p.metadata.equals(this.supportedProtocols[i].metadata));
  }

  /** Kafka's hasSatisfiedHeartbeat: members in the middle of a rebalance count as alive. */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return this.heartbeatSatisfied;
    if (this.isAwaitingJoin || this.isAwaitingSync) return true;
    return this.heartbeatSatisfied;
  }

  /** The first of this member's protocols (in its order of preference) among the candidates. */
  vote(candidates: Set<string>): string {
    const choice = this.supportedProtocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of ${[...candidates].join(', ')}`);
    return choice.name;
  }

  summary(protocol: string | null): MemberSummary {
    return {
      memberId: this.memberId,
      groupInstanceId: this.groupInstanceId,
      clientId: this.clientId,
      clientHost: this.clientHost,
      metadata: protocol === null ? EMPTY_BUFFER : this.metadata(protocol),
      assignment: protocol === null ? EMPTY_BUFFER : this.assignment,
    };
  }
}
