/**
 * One round of consumer-group work for many groups at once, each a single member: FindCoordinator,
 * JoinGroup (rejoining with the assigned member id after MEMBER_ID_REQUIRED, as clients do),
 * SyncGroup with an assignment of 10 partitions, OffsetCommit for them and OffsetFetch.
 * FindCoordinator is sent again after a short backoff while it answers COORDINATOR_NOT_AVAILABLE
 * or COORDINATOR_LOAD_IN_PROGRESS (the broker is creating the group's __consumer_offsets
 * partition), as clients do; each request is timed on its own and the retries are counted.
 */
import {ApiKey} from '../../../src/protocol/api.js';
import {timed} from '../lib/admin.js';
import type {ProtocolClient} from '../../../src/client/protocol-client.js';

const MEMBER_ID_REQUIRED = 79;
const COORDINATOR_LOAD_IN_PROGRESS = 14;
const COORDINATOR_NOT_AVAILABLE = 15;
const PARTITIONS = 10;
/** Backoff between FindCoordinator attempts: the first wait, doubled up to the last. */
const BACKOFF_FIRST_MS = 10;
const BACKOFF_MAX_MS = 20;
/** Give up on a coordinator after this many attempts. */
const MAX_ATTEMPTS = 500;

/** ConsumerProtocolSubscription v0: version, topics, no user data. */
function subscription(topic: string): Buffer {
  const name = Buffer.from(topic);
  const b = Buffer.alloc(2 + 4 + 2 + name.length + 4);
  let o = b.writeInt16BE(0, 0);
  o = b.writeInt32BE(1, o);
  o = b.writeInt16BE(name.length, o);
  o += name.copy(b, o);
  b.writeInt32BE(-1, o);
  return b;
}

/** ConsumerProtocolAssignment v0: version, one topic with partitions 0..n-1, no user data. */
function assignment(topic: string, n: number): Buffer {
  const name = Buffer.from(topic);
  const b = Buffer.alloc(2 + 4 + 2 + name.length + 4 + 4 * n + 4);
  let o = b.writeInt16BE(0, 0);
  o = b.writeInt32BE(1, o);
  o = b.writeInt16BE(name.length, o);
  o += name.copy(b, o);
  o = b.writeInt32BE(n, o);
  for (let p = 0; p < n; p++) o = b.writeInt32BE(p, o);
  b.writeInt32BE(-1, o);
  return b;
}

function check(what: string, code: number | undefined): void {
  if (code !== undefined && code !== 0) throw new Error(`${what}: error ${code}`);
}

export interface GroupRoundResult {
  /** The slowest single request of each API. */
  slowest: Record<'FindCoordinator' | 'JoinGroup' | 'SyncGroup' | 'OffsetCommit' | 'OffsetFetch', number>;
  /** FindCoordinator requests sent again because the coordinator was not ready, over all groups. */
  findCoordinatorRetries: number;
  totalMs: number;
}

export async function groupRound(clients: ProtocolClient[], groups: number, topic: string): Promise<GroupRoundResult> {
  const slowest = {FindCoordinator: 0, JoinGroup: 0, SyncGroup: 0, OffsetCommit: 0, OffsetFetch: 0};
  const step = async <T>(phase: keyof typeof slowest, fn: () => Promise<T>): Promise<T> => {
    const {value, ms} = await timed(fn);
    slowest[phase] = Math.max(slowest[phase], ms);
    return value;
  };
  let findCoordinatorRetries = 0;
  const findCoordinator = async (client: ProtocolClient, groupId: string) => {
    for (let attempt = 1, wait = BACKOFF_FIRST_MS; ; attempt++, wait = Math.min(wait * 2, BACKOFF_MAX_MS)) {
      const found = await step('FindCoordinator', () => client.request<any>(ApiKey.FindCoordinator, {key: groupId, keyType: 0, coordinatorKeys: [groupId]}));
      // v4+ answers per key; the top-level errorCode is not in those versions (decoded as 0).
      const code = found.coordinators?.[0]?.errorCode ?? found.errorCode;
      if ((code !== COORDINATOR_NOT_AVAILABLE && code !== COORDINATOR_LOAD_IN_PROGRESS) || attempt === MAX_ATTEMPTS) return check('FindCoordinator', code);
      findCoordinatorRetries++;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const one = async (i: number) => {
    const client = clients[i % clients.length]!;
    const groupId = `bench-group-${i}`;
    await findCoordinator(client, groupId);
    const joinBody = {groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, memberId: '', groupInstanceId: null, protocolType: 'consumer',
      protocols: [{name: 'range', metadata: subscription(topic)}], reason: null};
    let joined = await step('JoinGroup', () => client.request<any>(ApiKey.JoinGroup, joinBody));
    if (joined.errorCode === MEMBER_ID_REQUIRED) {
      joined = await step('JoinGroup', () => client.request<any>(ApiKey.JoinGroup, {...joinBody, memberId: joined.memberId}));
    }
    check('JoinGroup', joined.errorCode);
    const {memberId, generationId} = joined;
    const synced = await step('SyncGroup', () => client.request<any>(ApiKey.SyncGroup, {groupId, generationId, memberId, groupInstanceId: null,
      protocolType: 'consumer', protocolName: 'range', assignments: [{memberId, assignment: assignment(topic, PARTITIONS)}]}));
    check('SyncGroup', synced.errorCode);
    const committed = await step('OffsetCommit', () => client.request<any>(ApiKey.OffsetCommit, {groupId, generationIdOrMemberEpoch: generationId, memberId,
      groupInstanceId: null, retentionTimeMs: -1n, topics: [{name: topic, partitions: Array.from({length: PARTITIONS}, (_, p) => ({
        partitionIndex: p, committedOffset: BigInt(p + 1), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: ''}))}]}));
    for (const t of committed.topics) for (const p of t.partitions) check('OffsetCommit', p.errorCode);
    const fetched = await step('OffsetFetch', () => client.request<any>(ApiKey.OffsetFetch, {groupId, topics: null, groups: [{groupId, topics: null}], requireStable: false}));
    check('OffsetFetch', fetched.errorCode ?? fetched.groups?.[0]?.errorCode);
    const offsets = fetched.groups?.[0]?.topics ?? fetched.topics;
    const count = offsets.reduce((s: number, t: any) => s + t.partitions.length, 0);
    if (count !== PARTITIONS) throw new Error(`OffsetFetch for ${groupId}: ${count} offsets, ${PARTITIONS} committed`);
  };
  const {ms} = await timed(() => Promise.all(Array.from({length: groups}, (_, i) => one(i))));
  return {slowest, findCoordinatorRetries, totalMs: ms};
}
