import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {resolveBrokerConfig} from '../../../src/broker/config/index.js';
import {GroupCoordinator} from '../../../src/broker/groups/coordinator.js';
import {javaStringHashCode, offsetsPartitionFor} from '../../../src/broker/groups/java-hash.js';
import {OFFSETS_TOPIC, TopicOffsetsLog} from '../../../src/broker/groups/offsets-log.js';
import {decodeOffsetsKey} from '../../../src/broker/groups/records.js';
import {ManualScheduler} from '../../../src/broker/groups/scheduler.js';
import type {JoinGroupResult} from '../../../src/broker/groups/types.js';
import {TopicManager} from '../../../src/broker/topics/topic-manager.js';
import {decodeBatch, iterateBatches} from '../../../src/records/batch.js';
import {LogManager} from '../../../src/storage/log-manager.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {joinParams, MemoryOffsetsLog, pendingJoin, TEST_CONFIG} from './helpers.js';

const FIXTURE = path.resolve(__dirname, '../../../../shared/fixtures/kafka-logs/kafka-2.8.0-zk/__consumer_offsets-16/00000000000000000000.log');
const fixturePresent = existsSync(FIXTURE);
if (!fixturePresent) console.warn(`skipping the Kafka __consumer_offsets fixture test: ${FIXTURE} is missing`);

describe('partition of a group', () => {
  it('is abs(Java String.hashCode) % partitions, as Kafka computes it', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    // UTF-16 code units, so an emoji counts as its two surrogates: (97*31 + 0xD83D)*31 + 0xDE00.
    expect(javaStringHashCode('a\u{1F600}')).toBe((97 * 31 + 0xd83d) * 31 + 0xde00);
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0); // Utils.abs(MIN_VALUE) = 0
    // Kafka 2.8 stored this group's records in __consumer_offsets-16 (the fixture).
    expect(offsetsPartitionFor('simple-consumer-example', 50)).toBe(16);
  });
});

describe.skipIf(!fixturePresent)('a __consumer_offsets segment written by Kafka 2.8', () => {
  it('loads into groups and offsets', async () => {
    const segment = readFileSync(FIXTURE);
    const log = new MemoryOffsetsLog(50);
    const records = [];
    for (const entry of iterateBatches(segment)) {
      for (const r of (await decodeBatch(segment, entry.position)).records) records.push({key: r.key!, value: r.value});
    }
    expect(records.length).toBeGreaterThan(60);
    await log.append(16, records);
    const keys = records.map((r) => decodeOffsetsKey(r.key));
    expect(new Set(keys.map((k) => k?.group))).toEqual(new Set(['simple-consumer-example']));

    const coordinator = new GroupCoordinator({log, scheduler: new ManualScheduler(), config: () => TEST_CONFIG});
    await coordinator.startup();
    const summary = coordinator.describeGroup('simple-consumer-example').summary;
    expect(summary.protocolType).toBe('consumer');
    expect(['Empty', 'Stable']).toContain(summary.state);
    const offsets = coordinator.fetchOffsets('simple-consumer-example', null, false).offsets;
    const topics = new Set(offsets.map((o) => o.topic));
    expect(topics.has('some-topic')).toBe(true);
    // some-topic-0 holds offsets 0-8 in the same data dir: a committed position is within 0..9.
    const p0 = offsets.find((o) => o.topic === 'some-topic' && o.partition === 0)!;
    expect(p0.offset >= 0n && p0.offset <= 9n).toBe(true);
    await coordinator.shutdown();
  });
});

describe('__consumer_offsets on disk', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true});
  });

  async function open(dataDir: string) {
    const config = resolveBrokerConfig({'offsets.topic.num.partitions': '5'});
    const logs = await LogManager.open({dataDir, defaultConfig: config.logDefaults});
    const topics = await TopicManager.open({dataDir, logs, config});
    const scheduler = new ManualScheduler();
    const coordinator = new GroupCoordinator({log: new TopicOffsetsLog(topics, () => config), scheduler, config: () => TEST_CONFIG});
    await coordinator.startup();
    return {logs, topics, scheduler, coordinator};
  }

  it('survives a crash: a fresh LogManager on the same dir reloads groups and offsets', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kstream-groups-'));
    dirs.push(dataDir);
    const first = await open(dataDir);
    await first.coordinator.ensureOffsetsTopic();
    // Its partitions' logs are made in the background; the coordinator serves a group once its partition has one.
    expect(first.coordinator.findCoordinator('g')).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    await first.topics.logsCreated(OFFSETS_TOPIC);
    expect(first.coordinator.findCoordinator('g')).toBe(ErrorCode.NONE);
    const info = first.topics.get(OFFSETS_TOPIC)!;
    expect(info).toMatchObject({partitions: 5, internal: true, configs: {'cleanup.policy': 'compact'}});

    const join = pendingJoin(first.coordinator, joinParams());
    first.scheduler.advance(3000);
    const member = await join.promise as JoinGroupResult;
    await first.coordinator.syncGroup({groupId: 'g', generationId: 1, memberId: member.memberId, groupInstanceId: null,
      protocolType: 'consumer', protocolName: 'range', assignments: new Map([[member.memberId, Buffer.from('plan')]])});
    const committed = await first.coordinator.commitOffsets({groupId: 'g', memberId: member.memberId, groupInstanceId: null, generationId: 1,
      offsets: [{topic: 't', partition: 0, offset: 7n, leaderEpoch: 0, metadata: 'm'}, {topic: 't', partition: 1, offset: 9n, leaderEpoch: 0, metadata: null}]});
    expect(committed.map((c) => c.errorCode)).toEqual([0, 0]);
    const partition = first.coordinator.partitionFor('g');
    // One group metadata record (after the leader's SyncGroup) and two offset commits.
    expect(first.topics.getLog(OFFSETS_TOPIC, partition)!.logEndOffset).toBe(3n);
    // No close: what was acknowledged must be on disk already.
    const second = await open(dataDir);
    const summary = second.coordinator.describeGroup('g').summary;
    expect(summary).toMatchObject({state: 'Stable', protocol: 'range', members: [{memberId: member.memberId}]});
    expect(summary.members[0].assignment.toString()).toBe('plan');
    expect(second.coordinator.fetchOffsets('g', null, false).offsets.map((o) => [o.partition, o.offset, o.metadata]))
      .toEqual([[0, 7n, 'm'], [1, 9n, '']]);
    await first.coordinator.shutdown();
    await second.coordinator.shutdown();
    await second.logs.close();
  });
});
