/**
 * The last bytes appended to a segment's log file, kept in memory, so that a Fetch of them (what a
 * consumer that keeps up reads) copies them from here instead of reading the file: on this
 * project's VM a read of a few hundred bytes from the page cache costs 4-9 µs, most of a Fetch of
 * 10,000 partitions. Redpanda's batch cache does the same job.
 *
 * Each segment holds one block of TAIL_BLOCK_BYTES with its newest bytes; an append that does not
 * fit drops the oldest ones. The point is the many partitions that each get little: appends
 * larger than half a block are not kept, as the reads of such partitions are large enough that
 * the read's own cost does not matter. (Blocks that grew with their partition were tried: each
 * growth of 10,000 partitions page-faulted in megabytes of new blocks.) Bytes are copied out,
 * never lent, so a block can be reused as soon as its segment drops it. All segments hold at most
 * TAIL_CACHE_BUDGET bytes; beyond it, the blocks of the segments appended to longest ago are
 * taken back.
 */

import {BufferPool, MIN_POOLED_BYTES} from './buffer-pool.js';

export const TAIL_BLOCK_BYTES = 1024;
/** Bytes all segments' blocks may hold together: 32,768 partitions. */
export const TAIL_CACHE_BUDGET = 32 * 1024 * 1024;

/**
 * The 64 KiB slabs that blocks are cut from, primed at start (BufferPool.prime): a block of fresh
 * memory cost 2-10 µs (Node's allocation and the kernel's page fault), and the first Produce to
 * 10,000 partitions takes 10,000 blocks.
 */
const slabs = new BufferPool();

/** Fill the slab pool ahead of the first appends. */
export function primeTailBlocks(bytes: number): Promise<void> {
  return slabs.prime(bytes);
}

/** The blocks: free ones, and the segments holding one, least recently appended first. */
export class BlockStore {
  private readonly free: Buffer[] = [];
  private held = 0;
  /** The holders, in a list through their own fields (no hashing per append). */
  private oldest: TailCache | undefined;
  private newest: TailCache | undefined;

  constructor(private readonly budget = TAIL_CACHE_BUDGET) {}

  /** A block for `holder`, which holds none; the least recently appended holders give theirs back beyond the budget. */
  take(holder: TailCache): Buffer {
    while (this.oldest && this.held + TAIL_BLOCK_BYTES > this.budget) this.oldest.clear();
    this.held += TAIL_BLOCK_BYTES;
    this.touch(holder);
    if (this.free.length === 0) {
      // Cut for good: the slab is never given back, only garbage collected with its last block.
      const slab = slabs.take(MIN_POOLED_BYTES);
      for (let at = 0; at < slab.length; at += TAIL_BLOCK_BYTES) this.free.push(slab.subarray(at, at + TAIL_BLOCK_BYTES));
    }
    return this.free.pop()!;
  }

  /** `holder` was appended to: it is the last to give its block back. */
  touch(holder: TailCache): void {
    if (this.newest === holder) return;
    this.unlink(holder);
    holder.older = this.newest;
    if (this.newest) this.newest.newer = holder;
    else this.oldest = holder;
    this.newest = holder;
  }

  /** `holder` holds `block` no more. */
  give(holder: TailCache, block: Buffer): void {
    this.held -= TAIL_BLOCK_BYTES;
    this.unlink(holder);
    this.free.push(block);
  }

  private unlink(holder: TailCache): void {
    const {older, newer} = holder;
    if (older) older.newer = newer;
    else if (this.oldest === holder) this.oldest = newer;
    if (newer) newer.older = older;
    else if (this.newest === holder) this.newest = older;
    holder.older = holder.newer = undefined;
  }

  /** Bytes in blocks that segments hold. */
  get heldBytes(): number {
    return this.held;
  }
}

export const tailBlocks = new BlockStore();

export class TailCache {
  /** Neighbours in the store's list (BlockStore only). */
  older: TailCache | undefined;
  newer: TailCache | undefined;
  private block: Buffer | undefined;
  /** The file position of block[0]. */
  private start = 0;
  /** The block holds the file's bytes [start, start + filled). */
  private filled = 0;

  constructor(private readonly store = tailBlocks) {}

  /** `data` was written at file `position`, the end of the file's whole batches. */
  add(position: number, data: Buffer): void {
    if (data.length > TAIL_BLOCK_BYTES / 2) {
      this.clear();
      return;
    }
    if (this.block === undefined) {
      this.block = this.store.take(this);
      this.start = position;
    } else {
      this.store.touch(this);
      if (position !== this.start + this.filled) {
        // The file moved on without this cache: start again from here.
        this.start = position;
        this.filled = 0;
      } else if (this.filled + data.length > TAIL_BLOCK_BYTES) {
        const drop = this.filled + data.length - TAIL_BLOCK_BYTES;
        this.block.copyWithin(0, drop, this.filled);
        this.start += drop;
        this.filled -= drop;
      }
    }
    this.block.set(data, this.filled);
    this.filled += data.length;
  }

  /** Copy the file's `length` bytes at `position` into `buffer` at `offset`, when all are held; false otherwise. */
  read(buffer: Buffer, offset: number, length: number, position: number): boolean {
    const from = position - this.start;
    if (this.block === undefined || from < 0 || from + length > this.filled) return false;
    this.block.copy(buffer, offset, from, from + length);
    return true;
  }

  /** Hold nothing: the file was truncated, the segment closed, or the store needs the block. */
  clear(): void {
    if (this.block === undefined) return;
    this.store.give(this, this.block);
    this.block = undefined;
    this.filled = 0;
  }
}
