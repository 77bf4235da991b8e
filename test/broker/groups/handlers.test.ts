/** The group APIs on the wire, version by version, through the project's codec. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {findCoordinator} from '../helpers/coordinator.js';
import {WireClient} from '../helpers/wire-client.js';
import {subscription} from './helpers.js';

let tb: TestBroker;
let wire: WireClient;

beforeAll(async () => {
  tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3'});
  await tb.broker.topics.createTopic('t', {numPartitions: 2, replicationFactor: 1, configs: {}});
  wire = await WireClient.connect(tb.broker.port);
  // As clients do before any group request; every group below then finds its partition ready.
  await findCoordinator(wire, 'g');
  await tb.broker.topics.logsCreated('__consumer_offsets');
});
afterAll(async () => {
  wire?.close();
  await tb?.cleanup();
});

/** Join (with the v4+ member-id round trip) and sync a single-member group; returns its member id. */
async function singleMemberGroup(groupId: string): Promise<string> {
  const body = {groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{name: 'range', metadata: subscription(['t'])}]};
  const first = await wire.request(ApiKey.JoinGroup, 7, {...body, memberId: ''});
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  const joined = await wire.request(ApiKey.JoinGroup, 7, {...body, memberId: first.memberId});
  expect(joined).toMatchObject({errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: first.memberId});
  const sync = await wire.request(ApiKey.SyncGroup, 5, {groupId, generationId: 1, memberId: first.memberId, groupInstanceId: null,
    protocolType: 'consumer', protocolName: 'range', assignments: [{memberId: first.memberId, assignment: Buffer.from('plan')}]});
  expect(sync).toMatchObject({errorCode: 0, protocolType: 'consumer', protocolName: 'range'});
  expect(sync.assignment.toString()).toBe('plan');
  return first.memberId;
}

describe('FindCoordinator', () => {
  // coordinator-loading.test.ts: the first lookups on a fresh broker, while __consumer_offsets is created.
  it('names this broker for groups in every version once __consumer_offsets exists', async () => {
    const v0 = await wire.request(ApiKey.FindCoordinator, 0, {key: 'g'});
    expect(v0).toMatchObject({errorCode: 0, nodeId: tb.broker.nodeId, host: '127.0.0.1', port: tb.broker.port});
    expect(tb.broker.topics.get('__consumer_offsets')).toMatchObject({partitions: 3, internal: true});
    const v3 = await wire.request(ApiKey.FindCoordinator, 3, {key: 'g', keyType: 0});
    expect(v3).toMatchObject({errorCode: 0, errorMessage: 'NONE', port: tb.broker.port});
    const v4 = await wire.request(ApiKey.FindCoordinator, 4, {keyType: 0, coordinatorKeys: ['a', 'b']});
    expect(v4.coordinators.map((c: {key: string; errorCode: number}) => [c.key, c.errorCode])).toEqual([['a', 0], ['b', 0]]);
  });

  it('refuses transactional ids at once (no transactions) and rejects unknown key types', async () => {
    const txn = await wire.request(ApiKey.FindCoordinator, 1, {key: 'tx', keyType: 1});
    expect(txn).toMatchObject({errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, nodeId: -1});
    expect(txn.errorMessage).toMatch(/Transactions are not supported/);
    const batched = await wire.request(ApiKey.FindCoordinator, 4, {keyType: 1, coordinatorKeys: ['tx']});
    expect(batched.coordinators[0]).toMatchObject({key: 'tx', errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED});
    const bad = await wire.request(ApiKey.FindCoordinator, 6, {keyType: 7, coordinatorKeys: ['x']});
    expect(bad.coordinators[0]).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST, nodeId: -1});
  });
});

describe('JoinGroup, SyncGroup, Heartbeat, LeaveGroup', () => {
  it('serves v0 (no member id round trip, empty protocol name on errors) and v7+ nullable names', async () => {
    const body = {groupId: 'old', sessionTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{name: 'range', metadata: subscription(['t'])}]};
    const joined = await wire.request(ApiKey.JoinGroup, 0, body);
    expect(joined).toMatchObject({errorCode: 0, generationId: 1, protocolName: 'range'});
    expect(joined.members).toHaveLength(1);
    const bad = await wire.request(ApiKey.JoinGroup, 0, {...body, memberId: 'nobody'});
    expect(bad).toMatchObject({errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolName: ''});
    const badV7 = await wire.request(ApiKey.JoinGroup, 7, {...body, memberId: 'nobody', groupInstanceId: null});
    expect(badV7).toMatchObject({errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolName: null, protocolType: null});
    const leave = await wire.request(ApiKey.LeaveGroup, 0, {groupId: 'old', memberId: 'nobody'});
    expect(leave.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await wire.request(ApiKey.LeaveGroup, 1, {groupId: 'old', memberId: joined.memberId})).errorCode).toBe(0);
  });

  it('requires protocol type and name in SyncGroup v5 and answers heartbeats', async () => {
    const memberId = await singleMemberGroup('sync5');
    const missing = await wire.request(ApiKey.SyncGroup, 5, {groupId: 'sync5', generationId: 1, memberId, groupInstanceId: null,
      protocolType: null, protocolName: 'range', assignments: []});
    expect(missing.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await wire.request(ApiKey.Heartbeat, 4, {groupId: 'sync5', generationId: 1, memberId, groupInstanceId: null})).errorCode).toBe(0);
    expect((await wire.request(ApiKey.Heartbeat, 0, {groupId: 'sync5', generationId: 2, memberId})).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const leave = await wire.request(ApiKey.LeaveGroup, 5, {groupId: 'sync5', members: [
      {memberId, groupInstanceId: null, reason: 'done'}, {memberId: '', groupInstanceId: 'ghost', reason: null}]});
    expect(leave).toMatchObject({errorCode: 0, members: [{memberId, errorCode: 0}, {groupInstanceId: 'ghost', errorCode: ErrorCode.UNKNOWN_MEMBER_ID}]});
  });
});

describe('offsets and group administration', () => {
  it('commits and fetches across versions, refusing unknown topics and partitions', async () => {
    const memberId = await singleMemberGroup('off');
    const commit = await wire.request(ApiKey.OffsetCommit, 8, {groupId: 'off', generationIdOrMemberEpoch: 1, memberId, groupInstanceId: null,
      topics: [
        {name: 't', partitions: [{partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 0, committedMetadata: 'x'},
          {partitionIndex: 9, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null}]},
        {name: 'missing', partitions: [{partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null}]},
      ]});
    expect(commit.topics).toEqual([
      {name: 't', partitions: [{partitionIndex: 0, errorCode: 0}, {partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}]},
      {name: 'missing', partitions: [{partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}]},
    ]);
    const stale = await wire.request(ApiKey.OffsetCommit, 2, {groupId: 'off', generationIdOrMemberEpoch: 0, memberId, retentionTimeMs: -1n,
      topics: [{name: 't', partitions: [{partitionIndex: 1, committedOffset: 1n, committedMetadata: null}]}]});
    expect(stale.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);

    const v1 = await wire.request(ApiKey.OffsetFetch, 1, {groupId: 'off', topics: [{name: 't', partitionIndexes: [0, 1]}]});
    expect(v1.topics[0].partitions.map((p: {committedOffset: bigint; metadata: string}) => [p.committedOffset, p.metadata])).toEqual([[5n, 'x'], [-1n, '']]);
    const v5 = await wire.request(ApiKey.OffsetFetch, 5, {groupId: 'off', topics: null});
    expect(v5).toMatchObject({errorCode: 0, topics: [{name: 't', partitions: [{partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 0}]}]});
    const v8 = await wire.request(ApiKey.OffsetFetch, 8, {requireStable: true, groups: [
      {groupId: 'off', topics: null}, {groupId: 'nobody', topics: [{name: 't', partitionIndexes: [0]}]}, {groupId: '', topics: []}]});
    expect(v8.groups.map((g: {groupId: string; errorCode: number}) => [g.groupId, g.errorCode])).toEqual([['off', 0], ['nobody', 0], ['', 0]]);
    expect(v8.groups[0].topics[0].partitions[0].committedOffset).toBe(5n);
    expect(v8.groups[1].topics[0].partitions[0].committedOffset).toBe(-1n);
    // v0 simple consumer commit: no generation, no member.
    const simple = await wire.request(ApiKey.OffsetCommit, 0, {groupId: 'simple', topics: [{name: 't', partitions: [{partitionIndex: 1, committedOffset: 3n, committedMetadata: null}]}]});
    expect(simple.topics[0].partitions[0].errorCode).toBe(0);
  });

  it('lists, describes and deletes groups, and deletes offsets', async () => {
    const memberId = await singleMemberGroup('admin');
    const all = await wire.request(ApiKey.ListGroups, 4, {statesFilter: []});
    expect(all.groups).toContainEqual({groupId: 'admin', protocolType: 'consumer', groupState: 'Stable', groupType: ''});
    const stable = await wire.request(ApiKey.ListGroups, 5, {statesFilter: ['Stable'], typesFilter: []});
    expect(stable.groups.every((g: {groupState: string}) => g.groupState === 'Stable')).toBe(true);
    expect(stable.groups[0].groupType).toBe('classic');

    const described = await wire.request(ApiKey.DescribeGroups, 5, {groups: ['admin', 'unknown'], includeAuthorizedOperations: true});
    expect(described.groups[0]).toMatchObject({errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range',
      authorizedOperations: (1 << 3) | (1 << 6) | (1 << 8)});
    expect(described.groups[0].members[0]).toMatchObject({memberId, clientId: 'wire-test', clientHost: '/127.0.0.1'});
    expect(described.groups[0].members[0].memberAssignment.toString()).toBe('plan');
    expect(described.groups[1]).toMatchObject({groupState: 'Dead', members: []});
    const v0 = await wire.request(ApiKey.DescribeGroups, 0, {groups: ['admin']});
    expect(v0.groups[0].groupState).toBe('Stable');

    await wire.request(ApiKey.OffsetCommit, 8, {groupId: 'admin', generationIdOrMemberEpoch: 1, memberId, groupInstanceId: null,
      topics: [{name: 't', partitions: [{partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null}]}]});
    const refused = await wire.request(ApiKey.OffsetDelete, 0, {groupId: 'admin', topics: [{name: 't', partitions: [{partitionIndex: 0}]}, {name: 'zz', partitions: [{partitionIndex: 0}]}]});
    expect(refused).toMatchObject({errorCode: 0, topics: [
      {name: 't', partitions: [{partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC}]},
      {name: 'zz', partitions: [{partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}]},
    ]});
    const nonEmpty = await wire.request(ApiKey.DeleteGroups, 2, {groupsNames: ['admin', 'never']});
    expect(nonEmpty.results).toEqual([{groupId: 'admin', errorCode: ErrorCode.NON_EMPTY_GROUP}, {groupId: 'never', errorCode: ErrorCode.GROUP_ID_NOT_FOUND}]);

    await wire.request(ApiKey.LeaveGroup, 3, {groupId: 'admin', members: [{memberId, groupInstanceId: null}]});
    const deletedOffsets = await wire.request(ApiKey.OffsetDelete, 0, {groupId: 'admin', topics: [{name: 't', partitions: [{partitionIndex: 0}]}]});
    expect(deletedOffsets.topics[0].partitions[0].errorCode).toBe(0);
    const gone = await wire.request(ApiKey.DeleteGroups, 0, {groupsNames: ['admin']});
    expect(gone.results).toEqual([{groupId: 'admin', errorCode: ErrorCode.GROUP_ID_NOT_FOUND}]); // Empty without offsets: already Dead
  });
});

describe('clientHost', () => {
  it('shows the peer address like Java InetAddress.toString, without the port', async () => {
    const {clientHost} = await import('../../../src/broker/groups/client-host.js');
    expect(clientHost('127.0.0.1:43802')).toBe('/127.0.0.1');
    expect(clientHost('::ffff:10.0.0.5:9')).toBe('/10.0.0.5');
    expect(clientHost('::1:5555')).toBe('/::1');
  });
});

describe('broker shutdown', () => {
  it('answers a JoinGroup still waiting for its group with NOT_COORDINATOR instead of holding up stop()', async () => {
    const own = await startTestBroker({'group.initial.rebalance.delay.ms': '600000'});
    const client = await WireClient.connect(own.broker.port);
    try {
      await findCoordinator(client, 'slow');
      const pending = client.request(ApiKey.JoinGroup, 1, {groupId: 'slow', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 600_000,
        memberId: '', protocolType: 'consumer', protocols: [{name: 'range', metadata: subscription(['t'])}]}).catch(() => null);
      // The join waits for the 10-minute initial delay; a describe on the same connection would queue behind it.
      const other = await WireClient.connect(own.broker.port);
      const described = await other.request(ApiKey.DescribeGroups, 0, {groups: ['slow']});
      expect(described.groups[0].groupState).toBe('PreparingRebalance');
      other.close();
      const started = Date.now();
      await own.broker.stop();
      expect(Date.now() - started).toBeLessThan(10_000);
      const answer = await pending;
      if (answer !== null) expect(answer.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    } finally {
      client.close();
      await own.cleanup();
    }
  });
});
