/**
 * No group request waits for __consumer_offsets, as in Kafka: FindCoordinator answers
 * COORDINATOR_NOT_AVAILABLE until the group's partition has its log (creating the topic on first
 * use and that partition ahead of the others), and group requests get Kafka's codes meanwhile:
 * NOT_COORDINATOR before the partition is owned, the loading coordinator's codes while its log is
 * being created. A file system gate holds the creation of the partitions for as long as a test
 * needs, so every answer below was given while the partition did not exist.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {offsetsPartitionFor} from '../../../src/broker/groups/java-hash.js';
import {OFFSETS_TOPIC} from '../../../src/broker/groups/offsets-log.js';
import {startBroker, type Broker} from '../../../src/index.js';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {FaultyFileSystem} from '../../../src/storage/fs.js';
import {findCoordinator} from '../helpers/coordinator.js';
import {WireClient} from '../helpers/wire-client.js';
import {subscription} from './helpers.js';

const OFFSETS_PARTITIONS = 50;
/** Partition creations the broker runs at once (topic-manager.ts CREATE_CONCURRENCY). */
const CREATE_CONCURRENCY = 16;
const isOffsetsDir = (name: string) => name.startsWith(`${OFFSETS_TOPIC}-`);

/** Holds the creation of __consumer_offsets partitions at its first step; fails it for chosen partitions. */
class GatedFileSystem extends FaultyFileSystem {
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  /** __consumer_offsets partition directories whose creation started, in order. */
  readonly started: string[] = [];
  /** Directories whose creation fails. */
  readonly failing = new Set<string>();
  private readonly waiters: {count: number; resolve: () => void}[] = [];

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  /** Resolves once `count` creations have started. */
  startedAtLeast(count: number): Promise<void> {
    if (this.started.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({count, resolve}));
  }

  override async exists(file: string): Promise<boolean> {
    const name = path.basename(file);
    if (isOffsetsDir(name)) {
      this.started.push(name);
      for (const w of this.waiters.filter((w) => this.started.length >= w.count)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
      if (this.gate) await this.gate;
    }
    return super.exists(file);
  }

  override async mkdir(dir: string): Promise<void> {
    if (this.failing.has(path.basename(dir))) throw Object.assign(new Error('injected mkdir failure'), {code: 'EIO'});
    return super.mkdir(dir);
  }
}

let dataDir: string;
let fs: GatedFileSystem;
let broker: Broker;
let wire: WireClient;
let logLines: string[];

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kstream-coordinator-'));
  fs = new GatedFileSystem();
  logLines = [];
  broker = await startBroker({dataDir, port: 0, fs, log: (line) => logLines.push(line),
    config: {'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS), 'group.initial.rebalance.delay.ms': '0'}});
  await broker.topics.createTopic('t', {numPartitions: 2, replicationFactor: 1, configs: {}});
  wire = await WireClient.connect(broker.port);
});

afterEach(async () => {
  wire.close();
  fs.release();
  await broker.stop();
  rmSync(dataDir, {recursive: true, force: true});
});

const joinBody = (groupId: string, memberId = '') => ({groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId,
  groupInstanceId: null, protocolType: 'consumer', protocols: [{name: 'range', metadata: subscription(['t'])}]});

/** A group id whose __consumer_offsets partition is not among the first ones the broker creates. */
function groupInLatePartition(prefix: string): string {
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    if (offsetsPartitionFor(id, OFFSETS_PARTITIONS) >= CREATE_CONCURRENCY) return id;
  }
}

describe('FindCoordinator on a fresh broker', () => {
  it('answers COORDINATOR_NOT_AVAILABLE without waiting for the partition, creates it first, then names the coordinator', async () => {
    const groupId = groupInLatePartition('late');
    const partition = offsetsPartitionFor(groupId, OFFSETS_PARTITIONS);
    fs.hold();
    const first = await wire.request(ApiKey.FindCoordinator, 3, {key: groupId, keyType: 0});
    expect(first).toMatchObject({errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1});
    // The topic is durable and its partitions are being created (all held).
    await fs.startedAtLeast(CREATE_CONCURRENCY);
    expect(broker.topics.get(OFFSETS_TOPIC)).toMatchObject({partitions: OFFSETS_PARTITIONS, internal: true});
    expect(fs.started).not.toContain(`${OFFSETS_TOPIC}-${partition}`);
    const batched = await wire.request(ApiKey.FindCoordinator, 4, {keyType: 0, coordinatorKeys: [groupId]});
    expect(batched.coordinators[0]).toMatchObject({key: groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1});

    fs.release();
    const found = await findCoordinator(wire, groupId);
    expect(found).toMatchObject({nodeId: broker.nodeId, host: '127.0.0.1', port: broker.port});
    // The group's partition was created next, ahead of the 33 others still queued.
    expect(fs.started[CREATE_CONCURRENCY]).toBe(`${OFFSETS_TOPIC}-${partition}`);
    expect(broker.topics.getLog(OFFSETS_TOPIC, partition)).toBeDefined();
    // ...and the group is served at once.
    const joined = await wire.request(ApiKey.JoinGroup, 5, joinBody(groupId));
    expect(joined.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect((await wire.request(ApiKey.JoinGroup, 5, joinBody(groupId, joined.memberId))).errorCode).toBe(ErrorCode.NONE);
  });

  it('answers groups in every version once their partitions exist', async () => {
    const v0 = await wire.request(ApiKey.FindCoordinator, 0, {key: 'g'});
    expect(v0).toMatchObject({errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1});
    expect(await findCoordinator(wire, 'g', 0)).toMatchObject({nodeId: broker.nodeId, port: broker.port});
    await broker.topics.logsCreated(OFFSETS_TOPIC);
    expect(await wire.request(ApiKey.FindCoordinator, 3, {key: 'g', keyType: 0})).toMatchObject({errorCode: 0, errorMessage: 'NONE'});
    const v4 = await wire.request(ApiKey.FindCoordinator, 4, {keyType: 0, coordinatorKeys: ['a', 'b']});
    expect(v4.coordinators.map((c: {key: string; errorCode: number}) => [c.key, c.errorCode])).toEqual([['a', 0], ['b', 0]]);
  });
});

describe('group requests before their partition is ready', () => {
  it('get NOT_COORDINATOR before __consumer_offsets exists, and do not create it', async () => {
    expect((await wire.request(ApiKey.JoinGroup, 5, joinBody('g'))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await wire.request(ApiKey.OffsetFetch, 5, {groupId: 'g', topics: null})).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    // Kafka's ListGroups lists the groups of the partitions it owns: none, without an error.
    expect(await wire.request(ApiKey.ListGroups, 4, {statesFilter: []})).toMatchObject({errorCode: 0, groups: []});
    expect(broker.topics.get(OFFSETS_TOPIC)).toBeUndefined();
  });

  it('get the loading coordinator\'s answers, at once, while the partition\'s log is being created', async () => {
    const groupId = 'loading';
    fs.hold();
    expect((await wire.request(ApiKey.FindCoordinator, 3, {key: groupId, keyType: 0})).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    await fs.startedAtLeast(CREATE_CONCURRENCY);
    const LOADING = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;

    expect((await wire.request(ApiKey.JoinGroup, 5, joinBody(groupId))).errorCode).toBe(LOADING);
    // SyncGroup: the rebalance is lost, so REBALANCE_IN_PROGRESS sends the member back to JoinGroup (older clients do not know LOAD_IN_PROGRESS).
    expect((await wire.request(ApiKey.SyncGroup, 3, {groupId, generationId: 1, memberId: 'm', groupInstanceId: null, assignments: []})).errorCode)
      .toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // Heartbeat: answered blindly, as Kafka does while loading.
    expect((await wire.request(ApiKey.Heartbeat, 3, {groupId, generationId: 1, memberId: 'm', groupInstanceId: null})).errorCode).toBe(ErrorCode.NONE);
    expect((await wire.request(ApiKey.LeaveGroup, 3, {groupId, members: [{memberId: 'm', groupInstanceId: null}]})).errorCode).toBe(LOADING);
    const commit = await wire.request(ApiKey.OffsetCommit, 8, {groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{name: 't', partitions: [{partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null}]}]});
    expect(commit.topics[0].partitions[0].errorCode).toBe(LOADING);
    expect((await wire.request(ApiKey.OffsetFetch, 5, {groupId, topics: null})).errorCode).toBe(LOADING);
    const v8 = await wire.request(ApiKey.OffsetFetch, 8, {groups: [{groupId, topics: null}], requireStable: false});
    expect(v8.groups[0].errorCode).toBe(LOADING);
    const described = await wire.request(ApiKey.DescribeGroups, 5, {groups: [groupId], includeAuthorizedOperations: false});
    expect(described.groups[0]).toMatchObject({errorCode: LOADING, groupState: '', members: []});
    expect((await wire.request(ApiKey.DeleteGroups, 2, {groupsNames: [groupId]})).results).toEqual([{groupId, errorCode: LOADING}]);
    expect((await wire.request(ApiKey.OffsetDelete, 0, {groupId, topics: [{name: 't', partitions: [{partitionIndex: 0}]}]})).errorCode).toBe(LOADING);
    // A partition being created holds no group: the listing is complete.
    expect(await wire.request(ApiKey.ListGroups, 4, {statesFilter: []})).toMatchObject({errorCode: 0, groups: []});
    expect(broker.topics.getLog(OFFSETS_TOPIC, offsetsPartitionFor(groupId, OFFSETS_PARTITIONS))).toBeUndefined();

    fs.release();
    await findCoordinator(wire, groupId);
    expect((await wire.request(ApiKey.JoinGroup, 5, joinBody(groupId))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });

  it('get NOT_COORDINATOR when the partition\'s log could not be created, and FindCoordinator creates it again', async () => {
    const groupId = 'broken';
    const dir = `${OFFSETS_TOPIC}-${offsetsPartitionFor(groupId, OFFSETS_PARTITIONS)}`;
    fs.failing.add(dir);
    expect((await wire.request(ApiKey.FindCoordinator, 3, {key: groupId, keyType: 0})).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    await fs.startedAtLeast(1);
    await broker.topics.logsCreated(OFFSETS_TOPIC);
    expect(logLines.some((l) => l.includes(`creating partition ${dir} failed`))).toBe(true);
    expect((await wire.request(ApiKey.JoinGroup, 5, joinBody(groupId))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await wire.request(ApiKey.FindCoordinator, 3, {key: groupId, keyType: 0})).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);

    fs.failing.clear();
    const found = await findCoordinator(wire, groupId);
    expect(found.port).toBe(broker.port);
    expect((await wire.request(ApiKey.JoinGroup, 5, joinBody(groupId))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });
});
