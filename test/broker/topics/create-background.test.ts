/**
 * Partition directories are created in the background once the topic is durable: what reads see
 * meanwhile (the empty log the partition will be), writes waiting for their log (and moving it to
 * the front), deletion, growth, shutdown and start-up with creations still queued, and a failed
 * creation retried by the next write.
 */
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {resolveBrokerConfig} from '../../../src/broker/config/index.js';
import {NEW_PARTITION} from '../../../src/broker/partition-state.js';
import {produceAfterLogsReady} from '../../../src/broker/topics/logs-ready.js';
import {TopicManager} from '../../../src/broker/topics/topic-manager.js';
import {readTopicStore} from '../../../src/broker/topics/topic-store.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {FaultyFileSystem} from '../../../src/storage/fs.js';
import {LogManager} from '../../../src/storage/log-manager.js';

/**
 * Holds the creation of partition directories until released (at its first step, the check
 * whether the directory exists); records the order they were started and made in.
 */
class GatedFileSystem extends FaultyFileSystem {
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  /** Partition directories whose creation started, in order. */
  readonly started: string[] = [];
  /** Partition directories made, in order. */
  readonly made: string[] = [];

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  override async exists(file: string): Promise<boolean> {
    const name = path.basename(file);
    if (isPartitionDir(name)) {
      this.started.push(name);
      if (this.gate) await this.gate;
    }
    return super.exists(file);
  }

  override async mkdir(dir: string): Promise<void> {
    if (isPartitionDir(path.basename(dir))) this.made.push(path.basename(dir));
    return super.mkdir(dir);
  }
}

const isPartitionDir = (name: string) => /-\d+$/.test(name) && !name.startsWith('__');
const config = resolveBrokerConfig({});
const batch = () => encodeBatch({records: [{key: null, value: Buffer.from('v')}]});
const partitionDirs = (dataDir: string, topic: string) => readdirSync(dataDir).filter((d) => d.startsWith(`${topic}-`));

interface Opened {
  dataDir: string;
  fs: GatedFileSystem;
  logs: LogManager;
  topics: TopicManager;
  logLines: string[];
}

let opened: Opened[] = [];
const dirs: string[] = [];

async function open(dataDir?: string): Promise<Opened> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'kstream-bg-'));
  if (!dataDir) dirs.push(dir);
  const fs = new GatedFileSystem();
  const logs = await LogManager.open({dataDir: dir, fs, defaultConfig: config.logDefaults});
  const logLines: string[] = [];
  const topics = await TopicManager.open({dataDir: dir, logs, config, log: (line) => logLines.push(line)});
  const o = {dataDir: dir, fs, logs, topics, logLines};
  opened.push(o);
  return o;
}

async function close(o: Opened): Promise<void> {
  o.fs.release();
  await o.topics.close();
  await o.logs.close();
  opened = opened.filter((x) => x !== o);
}

afterEach(async () => {
  for (const o of [...opened]) await close(o);
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true});
});

describe('partitions created in the background', () => {
  it('a created topic is durable and reads as empty before its directories exist, then gets Kafka\'s files', async () => {
    const o = await open();
    o.fs.hold();
    const info = await o.topics.createTopic('t', {numPartitions: 40, replicationFactor: 1, configs: {}, background: true});
    // Durable already: the topic file lists it.
    expect((await readTopicStore(o.dataDir))?.map((t) => [t.name, t.partitions, t.topicId])).toEqual([['t', 40, info.topicId]]);
    expect(partitionDirs(o.dataDir, 't')).toEqual([]);
    // Reads see the empty log each partition is going to be; there is no log yet.
    expect(o.topics.getLog('t', 39)).toBeUndefined();
    expect(o.topics.readView('t', 39)).toBe(NEW_PARTITION);
    expect(o.topics.readView('t', 40)).toBeUndefined();
    expect(o.topics.readView('nope', 0)).toBeUndefined();
    o.fs.release();
    await o.topics.logsCreated('t');
    expect(partitionDirs(o.dataDir, 't')).toHaveLength(40);
    for (const p of [0, 39]) {
      const dir = path.join(o.dataDir, `t-${p}`);
      expect(readFileSync(path.join(dir, 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${info.topicId}`);
      expect(readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
      expect(existsSync(path.join(dir, '00000000000000000000.log'))).toBe(true);
      // The view of the new partition matched what its log says now.
      const log = o.topics.getLog('t', p)!;
      expect([log.leaderEpoch, log.logStartOffset, log.highWatermark, log.logEndOffset, log.sizeInBytes])
        .toEqual([NEW_PARTITION.leaderEpoch, NEW_PARTITION.logStartOffset, NEW_PARTITION.highWatermark, NEW_PARTITION.logEndOffset, NEW_PARTITION.sizeInBytes]);
      expect(log.endOffsetForEpoch(0)).toEqual(NEW_PARTITION.endOffsetForEpoch(0));
      expect(log.endOffsetForEpoch(3)).toEqual(NEW_PARTITION.endOffsetForEpoch(3));
      expect(await log.maxTimestamp()).toEqual(await NEW_PARTITION.maxTimestamp());
      expect(await log.offsetForTimestamp(0n)).toEqual(await NEW_PARTITION.offsetForTimestamp(0n));
    }
    expect(o.topics.readView('t', 39)).toBe(o.topics.getLog('t', 39));
  });

  it('by default createTopic and createPartitions also wait for the directories', async () => {
    const o = await open();
    await o.topics.createTopic('w', {numPartitions: 20, replicationFactor: 1, configs: {}});
    expect(partitionDirs(o.dataDir, 'w')).toHaveLength(20);
    await o.topics.createPartitions('w', 30);
    expect(o.topics.getLog('w', 29)).toBeDefined();
  });

  it('an append waits for its partition\'s log, which is created ahead of the queue', async () => {
    const o = await open();
    // Encoded first: an await between noting what has started and the append would let more
    // partitions start meanwhile, and those rightly start before q-59.
    const records = await batch();
    o.fs.hold();
    await o.topics.createTopic('q', {numPartitions: 60, replicationFactor: 1, configs: {}, background: true});
    const startedBefore = new Set(o.fs.started);
    expect(startedBefore.size).toBeGreaterThan(0);
    expect(startedBefore.has('q-59')).toBe(false);
    const appended = o.topics.append('q', 59, records);
    o.fs.release();
    const result = await appended;
    expect(result.baseOffset).toBe(0n);
    expect(o.topics.getLog('q', 59)!.logEndOffset).toBe(1n);
    // q-59 started before every partition that had not started when the append came. (Started,
    // not made: with several creations in flight, the file system may finish a later one first.)
    const started = o.fs.started;
    for (const name of started) {
      if (!startedBefore.has(name) && name !== 'q-59') expect(started.indexOf('q-59'), name).toBeLessThan(started.indexOf(name));
    }
    expect(o.fs.made).toContain('q-59');
    await o.topics.logsCreated();
    expect(partitionDirs(o.dataDir, 'q')).toHaveLength(60);
  });

  it('Produce waits for the logs it writes to, at most the request\'s timeout', async () => {
    const o = await open();
    o.fs.hold();
    await o.topics.createTopic('pw', {numPartitions: 40, replicationFactor: 1, configs: {}, background: true});
    // A stand-in for the Produce handler: which of its partitions have a log when it runs.
    const produce = produceAfterLogsReady({apiKey: 0, minVersion: 0, maxVersion: 11,
      handle: async (req: {timeoutMs: number; topicData: {name: string; partitionData: {index: number}[]}[]}) =>
        req.topicData[0]!.partitionData.map((p) => o.topics.getLog('pw', p.index) !== undefined)});
    const ctx = {header: {apiKey: 0, apiVersion: 9, correlationId: 1, clientId: null}, broker: {topics: o.topics}, connection: {remoteAddress: '', clientId: null}} as any;
    const request = (timeoutMs: number) => ({timeoutMs, topicData: [{name: 'pw', partitionData: [{index: 38}, {index: 39}]}]});
    // Held: answered after the timeout, the partitions still without a log.
    expect(await produce.handle(request(30), ctx)).toEqual([false, false]);
    const waiting = produce.handle(request(60_000), ctx);
    o.fs.release();
    expect(await waiting).toEqual([true, true]);
    // Logs there: no wait at all, even with no time allowed.
    expect(await produce.handle(request(0), ctx)).toEqual([true, true]);
  });

  it('deleting a topic whose directories are being created leaves none behind', async () => {
    const o = await open();
    o.fs.hold();
    await o.topics.createTopic('gone', {numPartitions: 50, replicationFactor: 1, configs: {}, background: true});
    const waiting = o.topics.append('gone', 49, await batch()).catch((err: unknown) => err);
    const deleted = o.topics.deleteTopic('gone');
    o.fs.release();
    await deleted;
    expect(await waiting).toMatchObject({errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION});
    await o.topics.logsCreated();
    expect(partitionDirs(o.dataDir, 'gone')).toEqual([]);
    expect(o.logs.logs().filter((l) => l.topic === 'gone')).toEqual([]);
    expect(o.topics.readView('gone', 0)).toBeUndefined();
    // The name can be used again at once.
    await o.topics.createTopic('gone', {numPartitions: 2, replicationFactor: 1, configs: {}});
    expect(partitionDirs(o.dataDir, 'gone')).toHaveLength(2);
  });

  it('added partitions are durable first and created in the background', async () => {
    const o = await open();
    await o.topics.createTopic('grow', {numPartitions: 2, replicationFactor: 1, configs: {}});
    o.fs.hold();
    await o.topics.createPartitions('grow', 12, {background: true});
    expect((await readTopicStore(o.dataDir))?.[0]?.partitions).toBe(12);
    expect(o.topics.readView('grow', 11)).toBe(NEW_PARTITION);
    o.fs.release();
    await o.topics.logsCreated('grow');
    expect(partitionDirs(o.dataDir, 'grow')).toHaveLength(12);
  });

  it('a config changed while the directories are being made reaches every new log', async () => {
    const o = await open();
    o.fs.hold();
    await o.topics.createTopic('conf', {numPartitions: 30, replicationFactor: 1, configs: {'segment.bytes': '1048576'}, background: true});
    // Some logs are being made with the old config (held), the others are still queued.
    await o.topics.setTopicConfigs('conf', {'segment.bytes': '2097152'});
    o.fs.release();
    await o.topics.logsCreated('conf');
    for (let p = 0; p < 30; p++) expect(o.topics.getLog('conf', p)!.config.segmentBytes, `conf-${p}`).toBe(2097152);
  });

  it('directories still queued at shutdown are created on the next start, with the topic\'s id and config', async () => {
    const o = await open();
    o.fs.hold();
    const info = await o.topics.createTopic('later', {numPartitions: 30, replicationFactor: 1, configs: {'segment.bytes': '1048576'}, background: true});
    const stopping = o.topics.close();
    o.fs.release();
    await stopping;
    await close(o);
    const created = partitionDirs(o.dataDir, 'later').length;
    expect(created).toBeLessThan(30);

    const again = await open(o.dataDir);
    expect(again.topics.get('later')).toEqual(info);
    await again.topics.logsCreated();
    expect(partitionDirs(o.dataDir, 'later')).toHaveLength(30);
    const log = again.topics.getLog('later', 29)!;
    expect(log.topicId).toBe(info.topicId);
    expect(log.config.segmentBytes).toBe(1048576);
    expect(readFileSync(path.join(o.dataDir, 'later-29', 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
  });

  it('a directory whose creation was cut short gets its partition.metadata and leader epoch on the next start', async () => {
    const o = await open();
    const info = await o.topics.createTopic('cut', {numPartitions: 2, replicationFactor: 1, configs: {}});
    await close(o);
    unlinkSync(path.join(o.dataDir, 'cut-1', 'partition.metadata'));
    unlinkSync(path.join(o.dataDir, 'cut-1', 'leader-epoch-checkpoint'));
    const again = await open(o.dataDir);
    expect(again.topics.getLog('cut', 1)!.topicId).toBe(info.topicId);
    expect(again.topics.getLog('cut', 1)!.leaderEpoch).toBe(0);
    expect(readFileSync(path.join(o.dataDir, 'cut-1', 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${info.topicId}`);
    expect(readFileSync(path.join(o.dataDir, 'cut-1', 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
  });

  it('a partition whose creation failed is offline until a write retries it', async () => {
    const o = await open();
    o.fs.failNextWrite({match: (file) => file.endsWith(`${path.sep}bad-3${path.sep}partition.metadata`)});
    await o.topics.createTopic('bad', {numPartitions: 5, replicationFactor: 1, configs: {}, background: true});
    await o.topics.logsCreated('bad');
    expect(o.logLines.filter((l) => l.includes('bad-3'))).toEqual([expect.stringMatching(/^creating partition bad-3 failed: .*injected write failure/)]);
    expect(partitionDirs(o.dataDir, 'bad').sort()).toEqual(['bad-0', 'bad-1', 'bad-2', 'bad-4']);
    expect(o.topics.readView('bad', 3)).toBeUndefined();
    const result = await o.topics.append('bad', 3, await batch());
    expect(result.baseOffset).toBe(0n);
    expect(o.topics.readView('bad', 3)).toBe(o.topics.getLog('bad', 3));
  });

  it('library callers waiting for the directories hear about a failure', async () => {
    const o = await open();
    o.fs.failNextWrite({match: (file) => file.endsWith(`${path.sep}lib-1${path.sep}partition.metadata`)});
    await expect(o.topics.createTopic('lib', {numPartitions: 2, replicationFactor: 1, configs: {}}))
      .rejects.toMatchObject({errorCode: ErrorCode.KAFKA_STORAGE_ERROR, message: expect.stringContaining('(1)')});
    expect(o.topics.get('lib')?.partitions).toBe(2);
  });
});
