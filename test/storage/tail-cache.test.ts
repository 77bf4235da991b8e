/**
 * The tail cache: the newest bytes of each segment kept in memory for the Fetches of consumers
 * that keep up. What it answers must be the file's bytes; what it does not hold goes to the file
 * (test/storage/read-now.test.ts reads through it from a PartitionLog).
 */
import {describe, expect, it} from 'vitest';
import {randomBytes} from 'node:crypto';
import {BlockStore, TAIL_BLOCK_BYTES, TailCache} from '../../src/storage/tail-cache.js';

/** What `cache` answers for [position, position + length), or undefined. */
function cached(cache: TailCache, position: number, length: number): Buffer | undefined {
  const out = Buffer.alloc(length + 4, 0xee);
  if (!cache.read(out, 4, length, position)) return undefined;
  expect(out.subarray(0, 4).every((b) => b === 0xee)).toBe(true); // nothing before `offset`
  return out.subarray(4);
}

describe('TailCache', () => {
  it('holds contiguous appends and answers any range within them', () => {
    const cache = new TailCache(new BlockStore());
    const file = randomBytes(TAIL_BLOCK_BYTES);
    let at = 0;
    for (const n of [100, 400, 300, 24, 200]) {
      cache.add(at, file.subarray(at, at + n));
      at += n;
    }
    expect(at).toBe(TAIL_BLOCK_BYTES);
    for (const [from, length] of [[0, TAIL_BLOCK_BYTES], [0, 1], [100, 400], [TAIL_BLOCK_BYTES - 1, 1], [234, 500]] as const) {
      expect(cached(cache, from, length)).toEqual(file.subarray(from, from + length));
    }
    expect(cached(cache, TAIL_BLOCK_BYTES - 1, 2)).toBeUndefined(); // beyond what was appended
  });

  it('keeps the newest bytes of a partition that keeps growing, and drops the oldest', () => {
    const cache = new TailCache(new BlockStore());
    const file = randomBytes(20_000);
    for (let at = 0; at < file.length; at += 300) cache.add(at, file.subarray(at, Math.min(at + 300, file.length)));
    expect(cached(cache, 0, 100)).toBeUndefined();
    expect(cached(cache, 20_000 - 600, 600)).toEqual(file.subarray(20_000 - 600));
    expect(cached(cache, 20_000 - TAIL_BLOCK_BYTES, TAIL_BLOCK_BYTES)).toEqual(file.subarray(20_000 - TAIL_BLOCK_BYTES));
    expect(cached(cache, 20_000 - TAIL_BLOCK_BYTES - 1, TAIL_BLOCK_BYTES + 1)).toBeUndefined();
  });

  it('starts again where an append is not contiguous, and does not keep appends above half a block', () => {
    const store = new BlockStore();
    const cache = new TailCache(store);
    const a = randomBytes(300);
    cache.add(0, a);
    const b = randomBytes(200);
    cache.add(1000, b); // not at 300: the file moved on without this cache (or was cut)
    expect(cached(cache, 0, 300)).toBeUndefined();
    expect(cached(cache, 1000, 200)).toEqual(b);
    cache.add(1200, randomBytes(TAIL_BLOCK_BYTES / 2 + 1));
    expect(cached(cache, 1000, 200)).toBeUndefined();
    expect(store.heldBytes).toBe(0);
  });

  it('holds at most the budget: the segments appended to longest ago give their blocks back', () => {
    const store = new BlockStore(3 * TAIL_BLOCK_BYTES);
    const caches = Array.from({length: 4}, () => new TailCache(store));
    const data = caches.map(() => randomBytes(100));
    caches.forEach((c, i) => c.add(0, data[i]!));
    // The fourth block went beyond the budget: the first cache, appended to longest ago, gave its up.
    expect(store.heldBytes).toBe(3 * TAIL_BLOCK_BYTES);
    expect(cached(caches[0]!, 0, 100)).toBeUndefined();
    expect(cached(caches[1]!, 0, 100)).toEqual(data[1]);
    // An append makes a cache the newest: the next to go is the third, not the second.
    caches[1]!.add(100, randomBytes(10));
    caches[0]!.add(0, data[0]!);
    expect(cached(caches[2]!, 0, 100)).toBeUndefined();
    expect(cached(caches[1]!, 0, 100)).toEqual(data[1]);
    expect(cached(caches[0]!, 0, 100)).toEqual(data[0]);
    caches.forEach((c) => c.clear());
    expect(store.heldBytes).toBe(0);
  });
});
