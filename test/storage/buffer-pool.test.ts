import {describe, expect, it} from 'vitest';
import {BufferPool, MIN_POOLED_BYTES} from '../../src/storage/buffer-pool.js';

describe('BufferPool', () => {
  it('gives back a buffer for the next take of its size class', () => {
    const pool = new BufferPool();
    const a = pool.take(1 << 20);
    expect(a.length).toBe(1 << 20);
    expect(pool.owns(a.subarray(10, 20))).toBe(true);
    pool.give(a.subarray(0, 1000)); // any view of it gives back the whole buffer
    expect(pool.owns(a)).toBe(false);
    expect(pool.retainedBytes).toBe(1 << 20);
    const b = pool.take((1 << 19) + 1); // rounds up to the same 1 MiB class
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe((1 << 19) + 1);
    expect(pool.stats).toEqual({allocated: 1, reused: 1});
    expect(pool.retainedBytes).toBe(0);
  });

  it('never hands out a buffer that is in use', () => {
    const pool = new BufferPool();
    const a = pool.take(200_000);
    const b = pool.take(200_000);
    expect(b.buffer).not.toBe(a.buffer);
    pool.give(a);
    pool.give(a); // a second give of the same buffer is ignored
    const c = pool.take(200_000);
    const d = pool.take(200_000);
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(a.buffer);
    expect(d.buffer).not.toBe(b.buffer);
  });

  it('leaves small and huge reads and foreign buffers alone', () => {
    const pool = new BufferPool();
    const small = pool.take(MIN_POOLED_BYTES - 1);
    const huge = pool.take(16 << 20);
    expect(pool.owns(small) || pool.owns(huge)).toBe(false);
    pool.give(small);
    pool.give(huge);
    pool.give(Buffer.alloc(1 << 20));
    expect(pool.retainedBytes).toBe(0);
    expect(pool.stats.allocated).toBe(0);
  });

  it('keeps at most its retained-bytes limit of free buffers', () => {
    const pool = new BufferPool(2 << 20);
    const taken = [pool.take(1 << 20), pool.take(1 << 20), pool.take(1 << 20)];
    for (const b of taken) pool.give(b);
    expect(pool.retainedBytes).toBe(2 << 20);
    // The one not kept is dropped for good: the garbage collector takes it.
    expect(pool.owns(taken[2]!)).toBe(false);
    pool.take(1 << 20);
    pool.take(1 << 20);
    pool.take(1 << 20);
    expect(pool.stats).toEqual({allocated: 4, reused: 2});
  });

  it('primes: buffers made ready beforehand serve the next takes, each a different one', async () => {
    const pool = new BufferPool();
    await pool.prime(5 * MIN_POOLED_BYTES + 100);
    expect(pool.stats).toEqual({allocated: 5, reused: 0});
    expect(pool.retainedBytes).toBe(5 * MIN_POOLED_BYTES);
    const taken = Array.from({length: 5}, () => pool.take(MIN_POOLED_BYTES));
    expect(new Set(taken.map((b) => b.buffer)).size).toBe(5);
    expect(pool.stats).toEqual({allocated: 5, reused: 5});
  });

  it('fills only the buffers it adds when primed again', async () => {
    const pool = new BufferPool();
    await pool.prime(3 * MIN_POOLED_BYTES);
    // Mark the three primed buffers; priming again must not fill them over.
    const first = Array.from({length: 3}, () => pool.take(MIN_POOLED_BYTES).fill(7));
    for (const b of first) pool.give(b);
    await pool.prime(5 * MIN_POOLED_BYTES);
    const all = Array.from({length: 5}, () => pool.take(MIN_POOLED_BYTES));
    expect(all.filter((b) => b.every((x) => x === 7))).toHaveLength(3);
    for (const b of all) pool.give(b);
    expect(pool.stats).toEqual({allocated: 5, reused: 11});
    expect(pool.retainedBytes).toBe(5 * MIN_POOLED_BYTES);
  });
});
