/**
 * wholeBatchesIn, the batch walk of every Fetch read: offsets are compared as doubles below 2^53
 * and as BigInts from there, and must come out exactly as BigInt arithmetic has them.
 */
import {describe, expect, it} from 'vitest';
import {wholeBatchesIn} from '../../src/storage/segment-read.js';
import {batchesFrom} from './helpers.js';

describe('wholeBatchesIn', () => {
  it('stops before maxOffset and says where the next read starts, across 2^53 and at the int64 limit', async () => {
    for (const base of [0n, (1n << 53n) - 7n, (1n << 63n) - 20n]) {
      const {batches, lastOffsets: lasts} = await batchesFrom(base, 8);
      const buf = Buffer.concat(batches);
      const end = lasts[lasts.length - 1]! + 1n;
      for (let maxOffset: bigint | undefined = base; maxOffset === undefined || maxOffset <= end + 1n;
        maxOffset = maxOffset === end + 1n ? undefined : maxOffset + 1n) {
        let n = 0;
        while (n < batches.length && (maxOffset === undefined || lasts[n]! < maxOffset)) n++;
        const what = `base ${base}, maxOffset ${maxOffset}`;
        const read = wholeBatchesIn(Buffer.from(buf), maxOffset);
        expect(Buffer.compare(read.data, Buffer.concat(batches.slice(0, n))), what).toBe(0);
        expect(read.nextOffset, what).toBe(n === 0 ? undefined : lasts[n - 1]! + 1n);
        if (maxOffset === undefined) break;
      }
    }
  });

  it('leaves out a batch cut short at the end of the read', async () => {
    const {batches, lastOffsets: lasts} = await batchesFrom((1n << 53n) - 2n, 3);
    const buf = Buffer.concat(batches);
    const read = wholeBatchesIn(buf.subarray(0, buf.length - 1), undefined);
    expect(read.data.length).toBe(batches[0]!.length + batches[1]!.length);
    expect(read.nextOffset).toBe(lasts[1]! + 1n);
  });
});
