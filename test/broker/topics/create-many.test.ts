/**
 * Creating many partitions at once: what lands on disk per partition (Kafka's layout, with the
 * active segment's indexes preallocated and the leader epoch recorded), CreateTopics answered
 * before the directories exist with every API serving the new partitions at once, and crash
 * safety of an acknowledged creation under kill -9 (directories still being made).
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {NEW_PARTITION} from '../../../src/broker/partition-state.js';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.cleanup();
  tb = undefined;
});

const SEGMENT = '00000000000000000000';

describe('creating many partitions', () => {
  it('gives every partition Kafka\'s files: metadata, leader epoch 0 from offset 0, an empty log and preallocated indexes', async () => {
    tb = await startTestBroker();
    const info = await tb.broker.topics.createTopic('wide', {numPartitions: 400, replicationFactor: 1, configs: {'segment.index.bytes': '4096'}});
    for (const p of [0, 199, 399]) {
      const dir = path.join(tb.dataDir, `wide-${p}`);
      expect(readFileSync(path.join(dir, 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${info.topicId}`);
      expect(readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
      expect(statSync(path.join(dir, `${SEGMENT}.log`)).size).toBe(0);
      expect(statSync(path.join(dir, `${SEGMENT}.index`)).size).toBe(4096);
      expect(statSync(path.join(dir, `${SEGMENT}.timeindex`)).size).toBe(4092);
    }
    const log = tb.broker.topics.getLog('wide', 399)!;
    expect(log.leaderEpoch).toBe(0);
    expect(log.endOffsetForEpoch(0)).toEqual({leaderEpoch: 0, endOffset: 0n});
    // The first append needs no checkpoint write: the epoch is already recorded.
    await tb.broker.topics.append('wide', 399, await encodeBatch({records: [{key: null, value: Buffer.from('v')}]}));
    expect(readFileSync(path.join(tb.dataDir, 'wide-399', 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
    // Closed cleanly, the indexes are trimmed to their entries (none), as Kafka leaves them.
    await tb.broker.stop();
    expect(statSync(path.join(tb.dataDir, 'wide-0', `${SEGMENT}.index`)).size).toBe(0);
    tb.broker = await startTestBroker({}, tb.dataDir).then((again) => again.broker);
    expect(tb.broker.topics.getLog('wide', 399)!.logEndOffset).toBe(1n);
  });

  it('CreateTopics answers once the topic is durable; every API serves its partitions while their directories are made', async () => {
    tb = await startTestBroker();
    const client = await WireClient.connect(tb.broker.port);
    try {
      const N = 800;
      const all = Array.from({length: N}, (_, i) => i);
      const created = await client.request(ApiKey.CreateTopics, 7, {
        topics: [{name: 'fresh', numPartitions: N, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 30_000, validateOnly: false,
      });
      expect(created.topics[0]).toMatchObject({errorCode: ErrorCode.NONE, numPartitions: N});
      // Answered before the directories were all made (they follow in the background).
      const pendingAtAnswer = all.filter((p) => tb!.broker.topics.readView('fresh', p) === NEW_PARTITION).length;
      expect(pendingAtAnswer).toBeGreaterThan(0);
      // Sent at once, pipelined: reads answered as the empty partitions they are, then a write to all.
      const [metadata, latest, earliest, epochs, fetched, dirs] = await Promise.all([
        client.request(ApiKey.Metadata, 12, {topics: [{name: 'fresh', topicId: 'AAAAAAAAAAAAAAAAAAAAAA'}], allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false}),
        client.request(ApiKey.ListOffsets, 10, {replicaId: -1, isolationLevel: 0, timeoutMs: 30_000,
          topics: [{name: 'fresh', partitions: all.map((p) => ({partitionIndex: p, currentLeaderEpoch: 0, timestamp: -1n, maxNumOffsets: 1}))}]}),
        client.request(ApiKey.ListOffsets, 10, {replicaId: -1, isolationLevel: 0, timeoutMs: 30_000,
          topics: [{name: 'fresh', partitions: all.map((p) => ({partitionIndex: p, currentLeaderEpoch: -1, timestamp: -2n, maxNumOffsets: 1}))}]}),
        client.request(ApiKey.OffsetForLeaderEpoch, 4, {replicaId: -1,
          topics: [{topic: 'fresh', partitions: all.map((p) => ({partition: p, currentLeaderEpoch: 0, leaderEpoch: 0}))}]}),
        client.request(ApiKey.Fetch, 12, {replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{topic: 'fresh', partitions: all.map((p) => ({partition: p, currentLeaderEpoch: 0, fetchOffset: 0n, logStartOffset: -1, partitionMaxBytes: 1024}))}],
          forgottenTopicsData: [], rackId: ''}),
        client.request(ApiKey.DescribeLogDirs, 4, {topics: [{topic: 'fresh', partitions: all}]}),
      ]);
      const led = metadata.topics[0].partitions.map((p: any) => [p.errorCode, p.leaderId, p.leaderEpoch]);
      expect(led).toEqual(all.map(() => [ErrorCode.NONE, tb!.broker.nodeId, 0]));
      for (const [answer, offset] of [[latest, 0n], [earliest, 0n]] as const) {
        expect(answer.topics[0].partitions.map((p: any) => [p.errorCode, p.offset, p.leaderEpoch])).toEqual(all.map(() => [ErrorCode.NONE, offset, 0]));
      }
      expect(epochs.topics[0].partitions.map((p: any) => [p.errorCode, p.leaderEpoch, p.endOffset])).toEqual(all.map(() => [ErrorCode.NONE, 0, 0n]));
      expect(fetched.responses[0].partitions.map((p: any) => [p.errorCode, p.highWatermark, p.logStartOffset, p.records?.length ?? 0]))
        .toEqual(all.map(() => [ErrorCode.NONE, 0n, 0n, 0]));
      expect(dirs.results[0].topics[0].partitions.map((p: any) => p.partitionSize)).toEqual(all.map(() => 0n));

      const records = await encodeBatch({records: [{key: null, value: Buffer.from('first')}]});
      const produced = await client.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 30_000,
        topicData: [{name: 'fresh', partitionData: all.map((index) => ({index, records}))}]});
      expect(produced.responses[0].partitionResponses.map((p: any) => [p.errorCode, p.baseOffset])).toEqual(all.map(() => [ErrorCode.NONE, 0n]));
      const after = await client.request(ApiKey.ListOffsets, 10, {replicaId: -1, isolationLevel: 0, timeoutMs: 30_000,
        topics: [{name: 'fresh', partitions: all.map((p) => ({partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1}))}]});
      expect(after.topics[0].partitions.map((p: any) => p.offset)).toEqual(all.map(() => 1n));
      await tb.broker.topics.logsCreated();
      expect(readdirSync(tb.dataDir).filter((d) => d.startsWith('fresh-'))).toHaveLength(N);
    } finally {
      client.close();
    }
  }, 60_000);

  it('a creation acknowledged before kill -9 is all there after a restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kstream-kill-'));
    try {
      // One process (node with tsx's loader), so SIGKILL hits the broker itself.
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'create-child.ts')], {
        env: {...process.env, DATA_DIR: dataDir, PARTITIONS: '300'}, stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('created') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited with ${code} before creating the topic`)));
      });
      child.kill('SIGKILL');
      await exited;
      tb = await startTestBroker({}, dataDir);
      const info = tb.broker.topics.get('acked')!;
      expect(info.partitions).toBe(300);
      for (let p = 0; p < 300; p += 37) {
        const result = await tb.broker.topics.append('acked', p, await encodeBatch({records: [{key: null, value: Buffer.from('after')}]}));
        expect(result.baseOffset).toBe(0n);
      }
      // Directories the crash left unmade are made on start-up, each with the topic's id.
      await tb.broker.topics.logsCreated();
      for (let p = 0; p < 300; p++) {
        expect(readFileSync(path.join(dataDir, `acked-${p}`, 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${info.topicId}`);
      }
    } finally {
      await tb?.cleanup();
      tb = undefined;
      rmSync(dataDir, {recursive: true, force: true});
    }
  }, 60_000);
});
