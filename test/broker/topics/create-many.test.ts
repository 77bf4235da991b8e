/**
 * Creating many partitions at once: what lands on disk per partition (Kafka's layout, with the
 * active segment's indexes preallocated and the leader epoch recorded), and crash safety of an
 * acknowledged creation under kill -9.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {encodeBatch} from '../../../src/records/batch.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';

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
      expect(tb.broker.topics.get('acked')?.partitions).toBe(300);
      for (let p = 0; p < 300; p += 37) {
        const result = await tb.broker.topics.append('acked', p, await encodeBatch({records: [{key: null, value: Buffer.from('after')}]}));
        expect(result.baseOffset).toBe(0n);
      }
    } finally {
      await tb?.cleanup();
      tb = undefined;
      rmSync(dataDir, {recursive: true, force: true});
    }
  }, 60_000);
});
