import {describe, expect, it, vi} from 'vitest';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import type {GroupCoordinator} from '../../../src/broker/groups/coordinator.js';
import type {ManualScheduler} from '../../../src/broker/groups/scheduler.js';
import type {JoinGroupResult} from '../../../src/broker/groups/types.js';
import {joinParams, newCoordinator, pendingJoin, settle, subscription} from './helpers.js';

/** Join `n` dynamic members into group g, finish the initial delay, sync everyone: a Stable group. */
async function stableGroup(coordinator: GroupCoordinator, scheduler: ManualScheduler, n: number, sessionTimeoutMs = 10_000, rebalanceTimeoutMs = 60_000) {
  const joins = Array.from({length: n}, (_, i) => pendingJoin(coordinator, joinParams({clientId: `c${i}`, sessionTimeoutMs, rebalanceTimeoutMs})));
  // Members after the first extend the initial delay by one more window.
  scheduler.advance(n > 1 ? 6000 : 3000);
  const results = await Promise.all(joins.map((j) => j.promise)) as JoinGroupResult[];
  const leader = results.find((r) => r.memberId === r.leader)!;
  const assignments = new Map(results.map((r, i) => [r.memberId, Buffer.from(`a${i}`)]));
  const syncs = results.map((r) => coordinator.syncGroup({groupId: 'g', generationId: r.generationId, memberId: r.memberId,
    groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
    assignments: r.memberId === leader.memberId ? assignments : new Map()}));
  const synced = await Promise.all(syncs);
  return {results, leader, synced, assignments};
}

// A missed timer leaves a JoinGroup unanswered: fail fast instead of waiting for the global timeout.
vi.setConfig({testTimeout: 5000});

describe('JoinGroup', () => {
  it('asks a v4+ member for a member id first (KIP-394), then admits it after the initial delay', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const first = await coordinator.joinGroup(joinParams({requireKnownMemberId: true, clientId: 'app'}));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(coordinator.describeGroup('g').summary.state).toBe('Empty');

    const join = pendingJoin(coordinator, joinParams({memberId: first.memberId, requireKnownMemberId: true}));
    await settle();
    expect(join.state.result).toBeNull();
    expect(coordinator.describeGroup('g').summary.state).toBe('PreparingRebalance');
    scheduler.advance(2999);
    await settle();
    expect(join.state.result).toBeNull();
    scheduler.advance(1);
    const result = await join.promise;
    expect(result).toMatchObject({errorCode: 0, generationId: 1, leader: first.memberId, memberId: first.memberId, protocolName: 'range'});
    expect(result.members.map((m) => m.memberId)).toEqual([first.memberId]);
    expect(coordinator.describeGroup('g').summary.state).toBe('CompletingRebalance');
  });

  it('expires a pending member id that never comes back', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const first = await coordinator.joinGroup(joinParams({requireKnownMemberId: true}));
    scheduler.advance(10_000);
    const again = await coordinator.joinGroup(joinParams({memberId: first.memberId, requireKnownMemberId: true}));
    expect(again.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers all members when the join phase completes; only the leader gets the member list', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const {results, leader, synced, assignments} = await stableGroup(coordinator, scheduler, 3);
    expect(new Set(results.map((r) => r.generationId))).toEqual(new Set([1]));
    expect(new Set(results.map((r) => r.leader)).size).toBe(1);
    for (const r of results) expect(r.members.length).toBe(r.memberId === leader.memberId ? 3 : 0);
    expect(synced.map((s) => s.errorCode)).toEqual([0, 0, 0]);
    expect(synced.map((s) => s.assignment.toString())).toEqual(results.map((r) => assignments.get(r.memberId)!.toString()));
    const described = coordinator.describeGroup('g').summary;
    expect(described.state).toBe('Stable');
    expect(described.protocol).toBe('range');
    expect(described.members).toHaveLength(3);
    expect(described.members[0].metadata.equals(subscription(['t']))).toBe(true);
  });

  it('extends the initial delay while new members keep arriving, up to the rebalance timeout', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const a = pendingJoin(coordinator, joinParams({rebalanceTimeoutMs: 7000}));
    scheduler.advance(2000);
    const b = pendingJoin(coordinator, joinParams({rebalanceTimeoutMs: 7000}));
    scheduler.advance(1000); // first delay over, but b arrived: wait min(3000, 4000) more
    await settle();
    expect(a.state.result).toBeNull();
    scheduler.advance(3000);
    const [ra, rb] = await Promise.all([a.promise, b.promise]) as JoinGroupResult[];
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
  });

  it('selects the protocol all members support that most prefer', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const md = Buffer.from([0, 0]);
    const p = (names: string[]) => names.map((name) => ({name, metadata: md}));
    const joins = [
      pendingJoin(coordinator, joinParams({protocols: p(['sticky', 'range', 'roundrobin'])})),
      pendingJoin(coordinator, joinParams({protocols: p(['roundrobin', 'range'])})),
      pendingJoin(coordinator, joinParams({protocols: p(['roundrobin', 'range', 'sticky'])})),
    ];
    scheduler.advance(6000);
    const results = await Promise.all(joins.map((j) => j.promise)) as JoinGroupResult[];
    expect(results.map((r) => r.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
  });

  it('rejects an inconsistent protocol type or protocols with INCONSISTENT_GROUP_PROTOCOL', async () => {
    const {coordinator} = await newCoordinator();
    void coordinator.joinGroup(joinParams());
    expect((await coordinator.joinGroup(joinParams({protocolType: 'connect'}))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const other = [{name: 'other', metadata: Buffer.alloc(0)}];
    expect((await coordinator.joinGroup(joinParams({protocols: other}))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await coordinator.joinGroup(joinParams({groupId: 'h', protocols: []}))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('checks the group id, session timeout and known member ids', async () => {
    const {coordinator} = await newCoordinator();
    expect((await coordinator.joinGroup(joinParams({groupId: ''}))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await coordinator.joinGroup(joinParams({sessionTimeoutMs: 5999}))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.joinGroup(joinParams({sessionTimeoutMs: 1_800_001}))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.joinGroup(joinParams({memberId: 'ghost'}))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.listGroups().groups).toEqual([]);
  });

  it('refuses members beyond group.max.size', async () => {
    const {coordinator, scheduler} = await newCoordinator({config: {groupMaxSize: 2}});
    await stableGroup(coordinator, scheduler, 2);
    const third = await coordinator.joinGroup(joinParams());
    expect(third.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(coordinator.describeGroup('g').summary.state).toBe('Stable');
  });

  it('lets a follower with unchanged metadata rejoin a Stable group without a rebalance; a leader rejoin rebalances', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const {results, leader} = await stableGroup(coordinator, scheduler, 2);
    const follower = results.find((r) => r.memberId !== leader.memberId)!;
    const again = await coordinator.joinGroup(joinParams({memberId: follower.memberId}));
    expect(again).toMatchObject({errorCode: 0, generationId: 1, members: []});
    expect(coordinator.describeGroup('g').summary.state).toBe('Stable');

    const leaderJoin = pendingJoin(coordinator, joinParams({memberId: leader.memberId}));
    expect(coordinator.describeGroup('g').summary.state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat('g', follower.memberId, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const followerJoin = pendingJoin(coordinator, joinParams({memberId: follower.memberId}));
    const [l, f] = await Promise.all([leaderJoin.promise, followerJoin.promise]) as JoinGroupResult[];
    expect(l.generationId).toBe(2);
    expect(f.generationId).toBe(2);
    expect(l.members).toHaveLength(2);
  });
});

describe('SyncGroup and Heartbeat', () => {
  it('returns Kafka errors for unknown members, stale generations, rebalances and protocol mismatches', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const {leader} = await stableGroup(coordinator, scheduler, 1);
    const sync = (over: Record<string, unknown>) => coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: leader.memberId,
      groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: new Map(), ...over});
    expect((await sync({memberId: 'nobody'})).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await sync({groupId: 'nogroup'})).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await sync({generationId: 0})).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await sync({protocolName: 'roundrobin'})).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await sync({protocolType: 'connect'})).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await sync({})).assignment.toString()).toBe('a0');

    expect(coordinator.heartbeat('g', leader.memberId, null, 1)).toBe(ErrorCode.NONE);
    expect(coordinator.heartbeat('g', leader.memberId, null, 2)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat('g', 'nobody', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('nogroup', 'x', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('', 'x', null, 1)).toBe(ErrorCode.INVALID_GROUP_ID);

    void coordinator.joinGroup(joinParams());
    expect((await sync({})).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('fills members left out by the leader with empty assignments', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const joins = [pendingJoin(coordinator, joinParams()), pendingJoin(coordinator, joinParams())];
    scheduler.advance(6000);
    const results = await Promise.all(joins.map((j) => j.promise)) as JoinGroupResult[];
    const leader = results.find((r) => r.memberId === r.leader)!;
    const follower = results.find((r) => r.memberId !== r.leader)!;
    const base = {groupId: 'g', generationId: 1, groupInstanceId: null, protocolType: null, protocolName: null};
    const followerSync = coordinator.syncGroup({...base, memberId: follower.memberId, assignments: new Map()});
    const leaderSync = coordinator.syncGroup({...base, memberId: leader.memberId, assignments: new Map([[leader.memberId, Buffer.from('x')]])});
    const [f, l] = await Promise.all([followerSync, leaderSync]);
    expect(l.assignment.toString()).toBe('x');
    expect(f).toMatchObject({errorCode: 0, protocolType: 'consumer', protocolName: 'range'});
    expect(f.assignment.length).toBe(0);
  });
});

describe('timeouts', () => {
  it('removes a member whose session expires and rebalances the rest', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const {results} = await stableGroup(coordinator, scheduler, 2);
    const [a, b] = results;
    for (let t = 0; t < 2; t++) {
      scheduler.advance(4000);
      expect(coordinator.heartbeat('g', a.memberId, null, 1)).toBe(ErrorCode.NONE);
    }
    expect(coordinator.describeGroup('g').summary.state).toBe('Stable');
    // b never heartbeated: 12s > its 10s session.
    scheduler.advance(4000);
    expect(coordinator.heartbeat('g', b.memberId, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.describeGroup('g').summary.state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat('g', a.memberId, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await coordinator.joinGroup(joinParams({memberId: a.memberId}));
    expect(rejoin).toMatchObject({errorCode: 0, generationId: 2, leader: a.memberId});
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const {results} = await stableGroup(coordinator, scheduler, 2, 30_000, 20_000);
    const [a, b] = results;
    const rejoin = pendingJoin(coordinator, joinParams({memberId: a.memberId, rebalanceTimeoutMs: 20_000}));
    scheduler.advance(19_999);
    await settle();
    expect(rejoin.state.result).toBeNull();
    scheduler.advance(1);
    const r = await rejoin.promise;
    expect(r).toMatchObject({errorCode: 0, generationId: 2});
    expect(r.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(coordinator.heartbeat('g', b.memberId, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('removes members that never send SyncGroup and rebalances', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const joins = [pendingJoin(coordinator, joinParams()), pendingJoin(coordinator, joinParams())];
    scheduler.advance(6000);
    const results = await Promise.all(joins.map((j) => j.promise)) as JoinGroupResult[];
    const leader = results.find((r) => r.memberId === r.leader)!;
    const follower = results.find((r) => r.memberId !== r.leader)!;
    await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: leader.memberId, groupInstanceId: null,
      protocolType: 'consumer', protocolName: 'range', assignments: new Map()});
    // Both keep heartbeating, but the follower never sends SyncGroup within the 60s rebalance timeout.
    for (let t = 5000; t < 60_000; t += 5000) {
      scheduler.advance(5000);
      expect(coordinator.heartbeat('g', leader.memberId, null, 1)).toBe(ErrorCode.NONE);
      expect(coordinator.heartbeat('g', follower.memberId, null, 1)).toBe(ErrorCode.NONE);
    }
    scheduler.advance(5000);
    expect(coordinator.heartbeat('g', follower.memberId, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('g', leader.memberId, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });
});

describe('static membership (KIP-345)', () => {
  it('gives a restarted static member a new id, fences the old id, and keeps the group Stable', async () => {
    const {coordinator, scheduler, log} = await newCoordinator();
    const first = pendingJoin(coordinator, joinParams({groupInstanceId: 'i1', requireKnownMemberId: false}));
    scheduler.advance(3000);
    const r1 = await first.promise as JoinGroupResult;
    await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: r1.memberId, groupInstanceId: 'i1',
      protocolType: 'consumer', protocolName: 'range', assignments: new Map([[r1.memberId, Buffer.from('A')]])});
    const writes = log.all().length;

    const r2 = await coordinator.joinGroup(joinParams({groupInstanceId: 'i1'}));
    expect(r2.errorCode).toBe(0);
    expect(r2.memberId).not.toBe(r1.memberId);
    expect(r2.generationId).toBe(1);
    expect(r2.leader).toBe(r1.memberId); // old leader id: the member must not reassign a Stable group
    expect(log.all().length).toBe(writes + 1); // the new member id is persisted
    expect(coordinator.describeGroup('g').summary.state).toBe('Stable');
    expect(coordinator.heartbeat('g', r1.memberId, 'i1', 1)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(coordinator.heartbeat('g', r2.memberId, 'i1', 1)).toBe(ErrorCode.NONE);
    const sync = await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: r2.memberId, groupInstanceId: 'i1',
      protocolType: 'consumer', protocolName: 'range', assignments: new Map()});
    expect(sync.assignment.toString()).toBe('A');
    const stale = await coordinator.joinGroup(joinParams({memberId: r1.memberId, groupInstanceId: 'i1'}));
    expect(stale.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const leave = coordinator.leaveGroup('g', [{memberId: r1.memberId, groupInstanceId: 'i1'}]);
    expect(leave.members[0].errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it('keeps the old member id when the new one cannot be stored', async () => {
    const {coordinator, scheduler, log} = await newCoordinator();
    const first = pendingJoin(coordinator, joinParams({groupInstanceId: 'i1'}));
    scheduler.advance(3000);
    const r1 = await first.promise as JoinGroupResult;
    await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: r1.memberId, groupInstanceId: 'i1',
      protocolType: 'consumer', protocolName: 'range', assignments: new Map()});
    log.failNext = true;
    const r2 = await coordinator.joinGroup(joinParams({groupInstanceId: 'i1'}));
    expect(r2).toMatchObject({errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId: ''});
    expect(coordinator.heartbeat('g', r1.memberId, 'i1', 1)).toBe(ErrorCode.NONE);
    expect(coordinator.describeGroup('g').summary.members.map((m) => m.memberId)).toEqual([r1.memberId]);
  });

  it('lets a v9 static leader skip the assignment', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const first = pendingJoin(coordinator, joinParams({groupInstanceId: 'i1'}));
    scheduler.advance(3000);
    const r1 = await first.promise as JoinGroupResult;
    await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: r1.memberId, groupInstanceId: 'i1',
      protocolType: 'consumer', protocolName: 'range', assignments: new Map()});
    const r2 = await coordinator.joinGroup(joinParams({groupInstanceId: 'i1', supportSkippingAssignment: true}));
    expect(r2).toMatchObject({errorCode: 0, skipAssignment: true, leader: r2.memberId});
    expect(r2.members).toHaveLength(1);
  });

  it('keeps a static member that misses a rebalance but drops dynamic ones; removes static members by instance id', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const joins = [pendingJoin(coordinator, joinParams({groupInstanceId: 's'})), pendingJoin(coordinator, joinParams())];
    scheduler.advance(6000);
    const results = await Promise.all(joins.map((j) => j.promise)) as JoinGroupResult[];
    expect(coordinator.describeGroup('g').summary.members).toHaveLength(2);
    const leave = coordinator.leaveGroup('g', [{memberId: '', groupInstanceId: 's'}, {memberId: '', groupInstanceId: 'nope'}]);
    expect(leave.members.map((m) => m.errorCode)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(coordinator.describeGroup('g').summary.members.map((m) => m.memberId)).toEqual([results[1].memberId]);
  });
});

describe('LeaveGroup', () => {
  it('removes members and rebalances; reports unknown members per member', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const {results} = await stableGroup(coordinator, scheduler, 2);
    const out = coordinator.leaveGroup('g', [{memberId: results[0].memberId, groupInstanceId: null}, {memberId: 'x', groupInstanceId: null}]);
    expect(out).toEqual({errorCode: 0, members: [
      {memberId: results[0].memberId, groupInstanceId: null, errorCode: 0},
      {memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID},
    ]});
    expect(coordinator.describeGroup('g').summary.state).toBe('PreparingRebalance');
    expect(coordinator.leaveGroup('none', [{memberId: 'm', groupInstanceId: null}]).members[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // The last member leaving empties the group.
    const rest = await coordinator.joinGroup(joinParams({memberId: results[1].memberId}));
    expect(rest.generationId).toBe(2);
    coordinator.leaveGroup('g', [{memberId: results[1].memberId, groupInstanceId: null}]);
    // No member left to wait for: the rebalance completes at once into an Empty generation.
    expect(coordinator.describeGroup('g').summary).toMatchObject({state: 'Empty', members: []});
  });
});

describe('bad input', () => {
  it('keeps protocol votes consistent when a member rejoins with repeated or changed protocols', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const md = Buffer.from([0, 0]);
    const a = pendingJoin(coordinator, joinParams({protocols: [{name: 'range', metadata: md}]}));
    scheduler.advance(3000);
    const ra = await a.promise as JoinGroupResult;
    // Rejoin listing 'range' twice, then a second member that only speaks 'range'.
    const again = pendingJoin(coordinator, joinParams({memberId: ra.memberId, protocols: [{name: 'range', metadata: md}, {name: 'range', metadata: md}]}));
    const b = pendingJoin(coordinator, joinParams({protocols: [{name: 'range', metadata: md}]}));
    // a got generation 2 at once (it was alone); b's join waits for a, who never rejoins and expires after 10s.
    scheduler.advance(10_000);
    const [r1, r2] = await Promise.all([again.promise, b.promise]) as JoinGroupResult[];
    expect([r1.errorCode, r1.generationId, r1.protocolName]).toEqual([0, 2, 'range']);
    expect([r2.errorCode, r2.generationId, r2.protocolName]).toEqual([0, 3, 'range']);
    // A third member with no common protocol is refused; the group is untouched.
    expect((await coordinator.joinGroup(joinParams({protocols: [{name: 'sticky', metadata: md}]}))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(coordinator.describeGroup('g').summary.members.map((m) => m.memberId)).toEqual([r2.memberId]);
  });
});
