/**
 * Memory for the small reads of one Fetch: slices of 64 KiB buffers kept in a pool, all given
 * back at once when the response has been encoded.
 *
 * A read below the encoder's REFERENCE_THRESHOLD is copied into the response's own chunks
 * (Writer.raw), so nothing refers to it after encoding. A fresh Buffer per such read cost more
 * than the read: Node carves it from a new 8 KiB slab every few reads, and new memory is
 * page-faulted in by the kernel at first touch (on this project's VM about 14 µs per 4 KiB
 * page). A Fetch of 10,000 partitions made 10,000 such reads.
 */
import {BufferPool, MIN_POOLED_BYTES} from './buffer-pool.js';
import {REFERENCE_THRESHOLD} from '../protocol/writer.js';

/** The largest read an arena serves: the encoder copies it rather than keeping a reference. */
export const ARENA_MAX_READ = REFERENCE_THRESHOLD - 1;

/** Buffers for arenas; a pool of its own, so giving back a read to readBuffers never frees an arena's buffer. */
export const arenaBuffers = new BufferPool(16 * 1024 * 1024);

/** Fill the pool ahead of the first large Fetch (BufferPool.prime). */
export function primeArenas(bytes: number): Promise<void> {
  return arenaBuffers.prime(bytes);
}

export class ReadArena {
  private readonly buffers: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;

  /** `length` bytes (contents undefined) valid until release(); undefined above ARENA_MAX_READ. */
  take(length: number): Buffer | undefined {
    if (length > ARENA_MAX_READ) return undefined;
    if (this.current === undefined || this.used + length > this.current.length) {
      this.current = arenaBuffers.take(MIN_POOLED_BYTES);
      this.buffers.push(this.current);
      this.used = 0;
    }
    const slice = this.current.subarray(this.used, this.used + length);
    this.used += length;
    return slice;
  }

  /** Every slice taken is dead (the response is encoded, or will never be): the memory goes back to the pool. */
  release(): void {
    for (const b of this.buffers) arenaBuffers.give(b);
    this.buffers.length = 0;
    this.current = undefined;
  }
}
