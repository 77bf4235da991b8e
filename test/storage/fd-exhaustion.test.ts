/**
 * Running out of file descriptors (EMFILE) is a per-partition storage error: the append fails with
 * nothing written, the next one succeeds, and a half-created partition leaves nothing behind.
 */
import {readFile, readdir} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {StorageError} from '../../src/storage/errors.js';
import {FaultyFileSystem} from '../../src/storage/fs.js';
import {Limiter} from '../../src/storage/limiter.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {batch, tempDir} from './helpers.js';

const TOPIC_ID = 'Yjwa-XTYSF28JSz9pdcuyw';

function emfile(): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error('EMFILE: too many open files');
  err.code = 'EMFILE';
  return err;
}

describe('file descriptor exhaustion', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('a failed leader-epoch-checkpoint write fails the append before any data is written; the next append records both', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs});
    const log = await manager.createLog('t', 0, TOPIC_ID);
    fs.failNextWrite({error: emfile(), match: (f) => f.endsWith('leader-epoch-checkpoint')});
    const failed = await log.append(await batch([{value: 'lost?'}]), {leaderEpoch: 0}).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as StorageError).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((failed as Error).message).toMatch(/cannot append to t-0 .*EMFILE/);
    expect(log.logEndOffset).toBe(0n);
    expect(log.activeSegment.size).toBe(0);
    expect(log.leaderEpoch).toBe(-1);

    const ok = await log.append(await batch([{value: 'kept'}]), {leaderEpoch: 0});
    expect(ok.baseOffset).toBe(0n);
    expect(await readFile(path.join(dir, 't-0', 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
    await manager.close();
    const again = await LogManager.open({dataDir: dir});
    expect(again.getLog('t', 0)!.logEndOffset).toBe(1n);
    expect(again.getLog('t', 0)!.endOffsetForEpoch(0)).toEqual({leaderEpoch: 0, endOffset: 1n});
    await again.close();
  });

  it('a partition whose creation failed leaves no directory to be adopted on the next start', async () => {
    const fs = new FaultyFileSystem();
    const manager = await LogManager.open({dataDir: dir, fs});
    fs.failNextWrite({error: emfile(), match: (f) => f.endsWith('partition.metadata')});
    await expect(manager.createLog('t', 0, TOPIC_ID)).rejects.toThrow(/EMFILE/);
    expect((await readdir(dir)).filter((f) => f.startsWith('t-'))).toEqual([]);
    const log = await manager.createLog('t', 0, TOPIC_ID);
    expect((await log.append(await batch([{value: 'v'}]), {leaderEpoch: 0})).baseOffset).toBe(0n);
    await manager.close();
  });

  it('Limiter runs at most `max` operations at once and runs every one', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(Array.from({length: 50}, (_, i) => limiter.run(async () => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setImmediate(r));
      running--;
      return i;
    })));
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({length: 50}, (_, i) => i));
  });
});
