/** Values the group coordinator hands back to its handlers, in the codec's field vocabulary. */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface JoinProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupMember[];
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

/** A committed offset as the coordinator keeps it (OffsetAndMetadata in Kafka). */
export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  /**
   * null unless the commit came with a retention time (OffsetCommit v2-v4). Any value counts,
   * negative too: Kafka keeps it as Some(ts) and expires the offset once now >= ts.
   */
  expireTimestamp: bigint | null;
}

export interface TopicPartitionKey {
  topic: string;
  partition: number;
}

export interface MemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupSummary {
  groupId: string;
  /** '' when the group could not be described (an error). */
  state: GroupState | '';
  protocolType: string;
  protocol: string;
  members: MemberSummary[];
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

export const EMPTY_BUFFER = Buffer.alloc(0);
/** JoinGroupRequest.UNKNOWN_MEMBER_ID. */
export const UNKNOWN_MEMBER_ID = '';
/** OffsetFetchResponse.INVALID_OFFSET. */
export const INVALID_OFFSET = -1n;
export const CONSUMER_PROTOCOL_TYPE = 'consumer';
