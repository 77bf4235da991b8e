import {describe, expect, it} from 'vitest';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {groupCoordinatorConfig, type GroupCoordinator} from '../../../src/broker/groups/coordinator.js';
import {resolveBrokerConfig} from '../../../src/broker/config/index.js';
import {decodeGroupMetadataValue, decodeOffsetCommitValue, decodeOffsetsKey} from '../../../src/broker/groups/records.js';
import type {ManualScheduler} from '../../../src/broker/groups/scheduler.js';
import type {JoinGroupResult} from '../../../src/broker/groups/types.js';
import {joinParams, MemoryOffsetsLog, newCoordinator, pendingJoin, settle} from './helpers.js';

const commit = (coordinator: GroupCoordinator, over: Partial<Parameters<GroupCoordinator['commitOffsets']>[0]> = {}) =>
  coordinator.commitOffsets({groupId: 'g', memberId: '', groupInstanceId: null, generationId: -1,
    offsets: [{topic: 't', partition: 0, offset: 42n, leaderEpoch: 3, metadata: 'meta'}], ...over});

/** One member, joined and synced: a Stable group at generation 1. */
async function stableMember(coordinator: GroupCoordinator, scheduler: ManualScheduler): Promise<JoinGroupResult> {
  const join = pendingJoin(coordinator, joinParams());
  scheduler.advance(3000);
  const r = await join.promise as JoinGroupResult;
  await coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: r.memberId, groupInstanceId: null,
    protocolType: 'consumer', protocolName: 'range', assignments: new Map([[r.memberId, Buffer.from('x')]])});
  return r;
}

describe('OffsetCommit and OffsetFetch', () => {
  it('lets a simple consumer (generation -1, no member) commit to a new group and fetch back', async () => {
    const {coordinator} = await newCoordinator();
    expect(await commit(coordinator)).toEqual([{topic: 't', partition: 0, errorCode: 0}]);
    const fetched = coordinator.fetchOffsets('g', [{topic: 't', partition: 0}, {topic: 't', partition: 1}], false);
    expect(fetched.offsets).toEqual([
      {topic: 't', partition: 0, offset: 42n, leaderEpoch: 3, metadata: 'meta', errorCode: 0},
      {topic: 't', partition: 1, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0},
    ]);
    expect(coordinator.fetchOffsets('g', null, false).offsets.map((o) => o.partition)).toEqual([0]);
    expect(coordinator.fetchOffsets('other', null, false).offsets).toEqual([]);
    expect(coordinator.describeGroup('g').summary).toMatchObject({state: 'Empty', protocolType: ''});
  });

  it('rejects commits with a generation for an unknown group, stale generations and unknown members', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    expect((await commit(coordinator, {generationId: 1, memberId: 'm'}))[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const member = await stableMember(coordinator, scheduler);
    expect((await commit(coordinator, {generationId: 0, memberId: member.memberId}))[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await commit(coordinator, {generationId: 1, memberId: 'ghost'}))[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // No member id on a group with members: only members may commit.
    expect((await commit(coordinator))[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await commit(coordinator, {generationId: 1, memberId: member.memberId}))[0].errorCode).toBe(0);
    expect(coordinator.fetchOffsets('g', null, false).offsets[0].offset).toBe(42n);
  });

  it('answers REBALANCE_IN_PROGRESS while the group awaits its assignment', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const join = pendingJoin(coordinator, joinParams());
    scheduler.advance(3000);
    const r = await join.promise as JoinGroupResult;
    expect((await commit(coordinator, {generationId: 1, memberId: r.memberId}))[0].errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('refuses metadata above offset.metadata.max.bytes per partition', async () => {
    const {coordinator} = await newCoordinator({config: {offsetMetadataMaxBytes: 10}});
    const result = await commit(coordinator, {offsets: [
      {topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: 'x'.repeat(11)},
      {topic: 't', partition: 1, offset: 2n, leaderEpoch: -1, metadata: null},
    ]});
    expect(result.map((r) => r.errorCode)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
    const all = await commit(coordinator, {groupId: 'h', offsets: [{topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: 'x'.repeat(11)}]});
    expect(all[0].errorCode).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    expect(coordinator.listGroups().groups.map((g) => g.groupId)).toEqual(['g']);
  });

  it('reports a failed append as COORDINATOR_NOT_AVAILABLE and keeps the old offset', async () => {
    const {coordinator, log} = await newCoordinator();
    await commit(coordinator);
    log.failNext = true;
    expect((await commit(coordinator, {offsets: [{topic: 't', partition: 0, offset: 99n, leaderEpoch: -1, metadata: ''}]}))[0].errorCode)
      .toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(coordinator.fetchOffsets('g', null, false).offsets[0].offset).toBe(42n);
  });

  it('uses a v2-v4 retention time as the expire timestamp, written as OffsetCommitValue v1', async () => {
    const {coordinator, log, scheduler} = await newCoordinator();
    await commit(coordinator, {retentionTimeMs: 1000n});
    const value = log.all()[0].value!;
    expect(value.readInt16BE(0)).toBe(1);
    expect(decodeOffsetCommitValue(value).expireTimestamp).toBe(BigInt(scheduler.now() + 1000));
    scheduler.advance(1000);
    expect(await coordinator.expireOffsets()).toBe(1);
    expect(coordinator.listGroups().groups).toEqual([]);
  });

  // Found by test/broker/fuzz.test.ts: retentionTimeMs = Long.MAX_VALUE made the expire timestamp
  // overflow int64, the OffsetCommitValue encode threw and the connection was closed.
  it('wraps now + retentionTimeMs like a Java long and expires such an offset at the next check, as Kafka', async () => {
    const {coordinator, log, scheduler} = await newCoordinator();
    expect(await commit(coordinator, {retentionTimeMs: 2n ** 63n - 1n})).toEqual([{topic: 't', partition: 0, errorCode: ErrorCode.NONE}]);
    const value = log.all()[0].value!;
    expect(value.readInt16BE(0)).toBe(1);
    expect(decodeOffsetCommitValue(value).expireTimestamp).toBe(BigInt.asIntN(64, BigInt(scheduler.now()) + 2n ** 63n - 1n));
    expect(decodeOffsetCommitValue(value).expireTimestamp! < 0n).toBe(true);
    // Kafka keeps Some(negative) and expires it once now >= expireTimestamp: at the next check.
    expect(coordinator.fetchOffsets('g', null, false).offsets[0].offset).toBe(42n);
    expect(await coordinator.expireOffsets()).toBe(1);
    expect(coordinator.fetchOffsets('g', null, false).offsets).toEqual([]);
  });
});

describe('DeleteGroups, OffsetDelete, ListGroups, retention', () => {
  it('deletes only Empty groups and writes tombstones', async () => {
    const {coordinator, scheduler, log} = await newCoordinator();
    await commit(coordinator, {groupId: 'simple'});
    await stableMember(coordinator, scheduler);
    const results = await coordinator.deleteGroups(['simple', 'g', 'missing']);
    expect(results).toEqual([
      {groupId: 'simple', errorCode: 0},
      {groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP},
      {groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND},
    ]);
    const tombstones = log.all().filter((r) => r.value === null).map((r) => decodeOffsetsKey(r.key));
    expect(tombstones).toEqual([{type: 'offset', group: 'simple', topic: 't', partition: 0}]);
    expect(coordinator.fetchOffsets('simple', null, false).offsets).toEqual([]);
  });

  it('refuses OffsetDelete for topics an active consumer group subscribes to', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    const member = await stableMember(coordinator, scheduler); // subscribed to topic t
    await commit(coordinator, {generationId: 1, memberId: member.memberId, offsets: [
      {topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: ''},
      {topic: 'u', partition: 0, offset: 2n, leaderEpoch: -1, metadata: ''},
    ]});
    const result = await coordinator.deleteOffsets('g', [{topic: 't', partition: 0}, {topic: 'u', partition: 0}]);
    expect(result).toEqual({errorCode: 0, partitions: [
      {topic: 'u', partition: 0, errorCode: 0},
      {topic: 't', partition: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC},
    ]});
    expect(coordinator.fetchOffsets('g', null, false).offsets.map((o) => o.topic)).toEqual(['t']);
    expect((await coordinator.deleteOffsets('nope', [])).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect((await coordinator.deleteOffsets('', [])).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('lists groups with a state filter', async () => {
    const {coordinator, scheduler} = await newCoordinator();
    await commit(coordinator, {groupId: 'simple'});
    await stableMember(coordinator, scheduler);
    expect(coordinator.listGroups().groups).toEqual([
      {groupId: 'simple', protocolType: '', state: 'Empty'},
      {groupId: 'g', protocolType: 'consumer', state: 'Stable'},
    ]);
    expect(coordinator.listGroups(['stable']).groups.map((g) => g.groupId)).toEqual(['g']);
    expect(coordinator.listGroups([], ['consumer']).groups).toEqual([]);
  });

  it('expires offsets of an Empty group offsets.retention.minutes after it became empty', async () => {
    // The periodic check is kept out of the way (interval > retention) to call it by hand.
    const {coordinator, scheduler, config} = await newCoordinator({config: {offsetsRetentionMs: 1_200_000, offsetsRetentionCheckIntervalMs: 30 * 24 * 3600_000}});
    const member = await stableMember(coordinator, scheduler);
    await commit(coordinator, {generationId: 1, memberId: member.memberId});
    // Stable and subscribed to t: kept however old the commit is.
    for (let t = 0; t <= config.offsetsRetentionMs; t += 5000) {
      scheduler.advance(5000);
      expect(coordinator.heartbeat('g', member.memberId, null, 1)).toBe(0);
    }
    expect(await coordinator.expireOffsets()).toBe(0);
    coordinator.leaveGroup('g', [{memberId: member.memberId, groupInstanceId: null}]);
    expect(coordinator.describeGroup('g').summary.state).toBe('Empty');
    scheduler.advance(config.offsetsRetentionMs - 1);
    expect(await coordinator.expireOffsets()).toBe(0);
    scheduler.advance(1);
    expect(await coordinator.expireOffsets()).toBe(1);
    expect(coordinator.describeGroup('g').summary.state).toBe('Dead');
  });

  it('runs the retention check every offsets.retention.check.interval.ms', async () => {
    const {coordinator, scheduler} = await newCoordinator({config: {offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000}});
    await commit(coordinator, {groupId: 'simple'});
    scheduler.advance(59_999);
    await settle();
    expect(coordinator.fetchOffsets('simple', null, false).offsets).toHaveLength(1);
    scheduler.advance(10_000);
    await settle();
    expect(coordinator.fetchOffsets('simple', null, false).offsets).toHaveLength(0);
    expect(coordinator.listGroups().groups).toEqual([]);
  });
});

describe('persistence in __consumer_offsets', () => {
  it('writes Kafka-format records to the group partition and reloads groups and offsets', async () => {
    const log = new MemoryOffsetsLog(50);
    const {coordinator, scheduler} = await newCoordinator({log});
    const member = await stableMember(coordinator, scheduler);
    await commit(coordinator, {generationId: 1, memberId: member.memberId});
    await commit(coordinator, {groupId: 'simple'});
    await commit(coordinator, {groupId: 'gone'});
    await coordinator.deleteGroups(['gone']);
    await coordinator.shutdown();

    // "g".hashCode() = 103; 103 % 50 = 3.
    expect(coordinator.partitionFor('g')).toBe(3);
    const records = log.partitions.get(3)!;
    const group = records.find((r) => decodeOffsetsKey(r.key)?.type === 'group')!;
    expect(group.key.readInt16BE(0)).toBe(2);
    expect(group.value!.readInt16BE(0)).toBe(3);
    const value = decodeGroupMetadataValue(group.value!);
    expect(value).toMatchObject({protocolType: 'consumer', generation: 1, protocol: 'range', leader: member.memberId});
    expect(value.members[0]).toMatchObject({memberId: member.memberId, clientId: 'client', clientHost: '/127.0.0.1', sessionTimeout: 10_000});
    expect(value.members[0].assignment.toString()).toBe('x');
    const offset = records.find((r) => decodeOffsetsKey(r.key)?.type === 'offset')!;
    expect(offset.key.readInt16BE(0)).toBe(1);
    expect(offset.value!.readInt16BE(0)).toBe(3);
    expect(decodeOffsetCommitValue(offset.value!)).toMatchObject({offset: 42n, leaderEpoch: 3, metadata: 'meta', expireTimestamp: null});

    const reloaded = (await newCoordinator({log})).coordinator;
    expect(reloaded.describeGroup('g').summary).toMatchObject({state: 'Stable', protocol: 'range',
      members: [{memberId: member.memberId, clientId: 'client'}]});
    expect(reloaded.fetchOffsets('g', null, false).offsets[0].offset).toBe(42n);
    expect(reloaded.fetchOffsets('simple', null, false).offsets[0].offset).toBe(42n);
    expect(reloaded.describeGroup('gone').summary.state).toBe('Dead');
    expect(reloaded.listGroups().groups.map((g) => g.groupId).sort()).toEqual(['g', 'simple']);
    // The reloaded member still has to heartbeat within its session.
    expect(reloaded.heartbeat('g', member.memberId, null, 1)).toBe(0);
  });
});

describe('offset.metadata.max.bytes', () => {
  it('is a broker config the coordinator takes its limit from', () => {
    expect(groupCoordinatorConfig(resolveBrokerConfig({})).offsetMetadataMaxBytes).toBe(4096);
    expect(groupCoordinatorConfig(resolveBrokerConfig({'offset.metadata.max.bytes': '10'})).offsetMetadataMaxBytes).toBe(10);
    expect(() => resolveBrokerConfig({'offset.metadata.max.bytes': '-1'})).toThrow(/offset.metadata.max.bytes/);
  });
});
