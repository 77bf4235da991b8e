import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
  formatEpochCheckpoint, formatOffsetCheckpoint, formatPartitionMetadata, parseEpochCheckpoint, parseOffsetCheckpoint,
  parsePartitionMetadata, readEpochCheckpoint, readOffsetCheckpoint, writeEpochCheckpoint, writeOffsetCheckpoint,
  writePartitionMetadata, readPartitionMetadata,
} from '../../src/storage/checkpoints.js';
import {StorageError} from '../../src/storage/errors.js';
import {NodeFileSystem} from '../../src/storage/fs.js';
import {tempDir} from './helpers.js';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/kafka-logs');

describe('checkpoint files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const fs = new NodeFileSystem();
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  it('writes the offset checkpoint format byte for byte and reads it back', async () => {
    const entries = [{topic: 'orders', partition: 0, offset: 42n}, {topic: '__consumer_offsets', partition: 17, offset: 9007199254740993n}];
    expect(formatOffsetCheckpoint(entries)).toBe('0\n2\norders 0 42\n__consumer_offsets 17 9007199254740993\n');
    const file = path.join(dir, 'recovery-point-offset-checkpoint');
    await writeOffsetCheckpoint(fs, file, entries);
    expect(await readFile(file, 'utf8')).toBe('0\n2\norders 0 42\n__consumer_offsets 17 9007199254740993\n');
    expect(await readOffsetCheckpoint(fs, file)).toEqual(entries);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(await readOffsetCheckpoint(fs, path.join(dir, 'missing'))).toEqual([]);
    expect(parseOffsetCheckpoint('', 'empty')).toEqual([]);
  });

  it('writes leader-epoch-checkpoint and partition.metadata like Kafka', async () => {
    expect(formatEpochCheckpoint([{epoch: 0, startOffset: 0n}, {epoch: 4, startOffset: 120n}])).toBe('0\n2\n0 0\n4 120\n');
    const epochs = path.join(dir, 'leader-epoch-checkpoint');
    await writeEpochCheckpoint(fs, epochs, [{epoch: 1, startOffset: 7n}]);
    expect(await readEpochCheckpoint(fs, epochs)).toEqual([{epoch: 1, startOffset: 7n}]);
    expect(formatPartitionMetadata('Yjwa-XTYSF28JSz9pdcuyw')).toBe('version: 0\ntopic_id: Yjwa-XTYSF28JSz9pdcuyw');
    const meta = path.join(dir, 'partition.metadata');
    await writePartitionMetadata(fs, meta, 'Yjwa-XTYSF28JSz9pdcuyw');
    expect(await readPartitionMetadata(fs, meta)).toEqual({topicId: 'Yjwa-XTYSF28JSz9pdcuyw'});
  });

  it('rejects malformed files with a message naming the file', () => {
    expect(() => parseOffsetCheckpoint('1\n0\n', 'cp')).toThrow(/malformed checkpoint file cp: unsupported version/);
    expect(() => parseOffsetCheckpoint('0\n2\nt 0 1\n', 'cp')).toThrow(/expected 2 entries, found 1/);
    expect(() => parseOffsetCheckpoint('0\n1\nt 0 x\n', 'cp')).toThrow(StorageError);
    expect(() => parseEpochCheckpoint('0\n1\n-1 0\n', 'ep')).toThrow(/bad epoch/);
    expect(() => parsePartitionMetadata('version: 1\ntopic_id: Yjwa-XTYSF28JSz9pdcuyw', 'pm')).toThrow(/unsupported pm/);
    expect(() => parsePartitionMetadata('version: 0\n', 'pm')).toThrow(/topic_id/);
  });

  it.skipIf(!existsSync(FIXTURES))('parses the checkpoints Kafka 3.1 wrote', async () => {
    const base = path.join(FIXTURES, 'kafka-3.1.0-zk');
    const rp = await readOffsetCheckpoint(fs, path.join(base, 'recovery-point-offset-checkpoint'));
    expect(rp.length).toBe(51);
    expect(rp).toContainEqual({topic: 'cities', partition: 0, offset: 0n});
    expect(await readOffsetCheckpoint(fs, path.join(base, 'log-start-offset-checkpoint'))).toEqual([]);
    expect(await readOffsetCheckpoint(fs, path.join(base, 'cleaner-offset-checkpoint'))).toEqual([]);
    expect(await readEpochCheckpoint(fs, path.join(base, 'cities-0', 'leader-epoch-checkpoint'))).toEqual([{epoch: 0, startOffset: 0n}]);
    // Round trip: what we write for Kafka's entries is what Kafka wrote.
    const original = await readFile(path.join(base, 'recovery-point-offset-checkpoint'), 'utf8');
    expect(formatOffsetCheckpoint(parseOffsetCheckpoint(original, 'rp'))).toBe(original);
  });
});
