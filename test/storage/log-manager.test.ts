import {mkdir, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FaultyFileSystem} from '../../src/storage/fs.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {ZERO_TOPIC_ID} from '../../src/storage/partition-log.js';
import {sizedBatch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';

describe('LogManager', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('creates, lists, checkpoints, deletes and reloads logs', async () => {
    const m = await LogManager.open({dataDir: dir});
    const a0 = await m.createLog('a-b', 0, TOPIC_ID);
    await m.createLog('a-b', 1, TOPIC_ID);
    await m.createLog('c', 0, 'AAAAAAAAAAAAAAAAAAAAAQ');
    expect(await m.createLog('a-b', 0, TOPIC_ID)).toBe(a0);
    await a0.append(await sizedBatch(2, 10), {leaderEpoch: 0});
    await a0.flush(); // the recovery point covers only fsynced data
    await m.checkpoint();
    const rp = await readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8');
    expect(rp.split('\n').slice(0, 2)).toEqual(['0', '3']);
    expect(rp).toContain('a-b 0 2\n');
    expect(rp).toContain('c 0 0\n');
    expect(await readFile(path.join(dir, 'replication-offset-checkpoint'), 'utf8')).toContain('a-b 0 2\n');
    expect(await readFile(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n0\n');

    await m.deleteLog('c', 0);
    expect(m.getLog('c', 0)).toBeUndefined();
    expect((await readdir(dir)).filter((f) => f.startsWith('c-'))).toEqual([]);
    expect(await readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).not.toContain('c 0');
    await expect(m.createLog('', 0, TOPIC_ID)).rejects.toThrow(/invalid topic/);
    await m.close();
    await expect(m.runRetention()).rejects.toThrow(/closed/);

    // Leftovers from a topic deletion interrupted by a crash are removed on open.
    await mkdir(path.join(dir, 'gone-0.0123456789abcdef0123456789abcdef-delete'));
    const again = await LogManager.open({dataDir: dir});
    expect(again.logs().map((l) => `${l.topic}-${l.partition}`).sort()).toEqual(['a-b-0', 'a-b-1']);
    expect(again.getLog('a-b', 0)!.logEndOffset).toBe(2n);
    expect(again.getLog('a-b', 0)!.topicId).toBe(TOPIC_ID);
    expect((await readdir(dir)).some((f) => f.endsWith('-delete'))).toBe(false);
    await again.close();
  });

  it('loads a partition without partition.metadata with the zero topic id, and can assign one', async () => {
    const m = await LogManager.open({dataDir: dir});
    await m.createLog('old', 0, TOPIC_ID);
    await m.close();
    await rm(path.join(dir, 'old-0', 'partition.metadata'));
    const again = await LogManager.open({dataDir: dir});
    const log = again.getLog('old', 0)!;
    expect(log.topicId).toBe(ZERO_TOPIC_ID);
    await log.assignTopicId(TOPIC_ID);
    expect(await readFile(path.join(dir, 'old-0', 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${TOPIC_ID}`);
    await again.close();
  });

  it('reports a malformed checkpoint clearly instead of crashing', async () => {
    await writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'garbage\n');
    await expect(LogManager.open({dataDir: dir})).rejects.toThrow(/malformed checkpoint file .*recovery-point-offset-checkpoint/);
  });
  it('deletes many logs at once with one rewrite of the broker checkpoints', async () => {
    const fs = new FaultyFileSystem();
    const m = await LogManager.open({dataDir: dir, fs});
    await Promise.all(Array.from({length: 60}, (_, p) => m.createLog('gone', p, TOPIC_ID)));
    await m.createLog('kept', 0, TOPIC_ID);
    const before = fs.syncedFiles.length;
    await m.deleteLogs(Array.from({length: 60}, (_, partition) => ({topic: 'gone', partition})));
    const synced = fs.syncedFiles.slice(before).map((f) => path.basename(f));
    expect(synced.filter((f) => f === 'recovery-point-offset-checkpoint')).toHaveLength(1);
    expect((await readdir(dir)).filter((f) => f.startsWith('gone-'))).toEqual([]);
    expect(m.logs().map((l) => `${l.topic}-${l.partition}`)).toEqual(['kept-0']);
    expect(await readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe('0\n1\nkept 0 0\n');
    await m.close();
  });
});
