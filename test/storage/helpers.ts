/** Shared helpers for storage tests: temp dirs and batch building. */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import * as path from 'node:path';
import {encodeBatch} from '../../src/records/batch.js';
import {type CompressionType, setBaseOffset} from '../../src/records/batch-header.js';

export async function tempDir(): Promise<{dir: string; cleanup: () => Promise<void>}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kstream-storage-'));
  return {dir, cleanup: () => rm(dir, {recursive: true, force: true})};
}

export interface TestRecord {
  key?: string | null;
  value?: string | null;
  timestamp?: number;
}

/** One v2 batch (base offset 0, the log assigns the real one). */
export function batch(records: TestRecord[], options: {compression?: CompressionType; producerId?: bigint; baseSequence?: number; transactional?: boolean} = {}): Promise<Buffer> {
  return encodeBatch({
    records: records.map((r) => ({key: r.key ?? null, value: r.value === undefined ? 'v' : r.value, timestamp: r.timestamp ?? 1_700_000_000_000})),
    compression: options.compression,
    producerId: options.producerId,
    producerEpoch: options.producerId !== undefined ? 0 : undefined,
    baseSequence: options.baseSequence,
    transactional: options.transactional,
  });
}

/** A batch of `count` records with values of `valueSize` bytes. */
export function sizedBatch(count: number, valueSize: number, timestamp = 1_700_000_000_000): Promise<Buffer> {
  return encodeBatch({records: Array.from({length: count}, (_, i) => ({key: `k${i}`, value: 'x'.repeat(valueSize), timestamp}))});
}

/** `n` batches of 1-3 records with base offsets from `base` on (as a log would have assigned them), and each one's last offset. */
export async function batchesFrom(base: bigint, n: number, valueSize = 20): Promise<{batches: Buffer[]; lastOffsets: bigint[]}> {
  const batches: Buffer[] = [];
  const lastOffsets: bigint[] = [];
  let next = base;
  for (let i = 0; i < n; i++) {
    const count = 1 + (i % 3);
    const b = await sizedBatch(count, valueSize);
    setBaseOffset(b, 0, next);
    batches.push(b);
    next += BigInt(count);
    lastOffsets.push(next - 1n);
  }
  return {batches, lastOffsets};
}
