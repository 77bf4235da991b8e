/**
 * The last bytes appended to a segment's log file, kept in memory, so that a Fetch of them (what a
 * consumer that keeps up reads) copies them from here instead of reading the file: on this
 * project's VM a read of a few hundred bytes from the page cache costs 4-9 µs, most of a Fetch of
 * 10,000 partitions. Redpanda's batch cache does the same job.
 *
 * Each segment holds one block of 512 B to 4 KiB with its newest bytes; an append that does not
 * fit moves up to a larger block, or drops the oldest bytes from a full one of the largest size.
 * Appends larger than a half block are not kept (their reads are large enough that the read's
 * own cost does not matter). Bytes are copied out, never lent, so a block can be reused as soon as
 * its segment drops it. All segments hold at most TAIL_CACHE_BUDGET bytes; beyond it, the blocks
 * of the segments appended to longest ago are taken back.
 */

import {BufferPool, MIN_POOLED_BYTES} from './buffer-pool.js';

const BLOCK_SIZES = [512, 1024, 2048, 4096];
const LARGEST_BLOCK = BLOCK_SIZES[BLOCK_SIZES.length - 1]!;
/** Bytes all segments' blocks may hold together. */
export const TAIL_CACHE_BUDGET = 32 * 1024 * 1024;

/**
 * The 64 KiB slabs that blocks are cut from, primed at start (BufferPool.prime): a block of fresh
 * memory cost 2-10 µs (Node's allocation and the kernel's page fault), a Produce to 10,000
 * partitions takes 10,000 blocks.
 */
const slabs = new BufferPool();

/** Fill the slab pool ahead of the first appends. */
export function primeTailBlocks(bytes: number): Promise<void> {
  return slabs.prime(bytes);
}

/** The blocks: free ones by size, and the segments holding one, least recently appended first. */
export class BlockStore {
  private readonly free = new Map<number, Buffer[]>(BLOCK_SIZES.map((s) => [s, []]));
  private held = 0;
  private freeBytes = 0;
  /** The holders, in a list through their own fields (no hashing per append). */
  private oldest: TailCache | undefined;
  private newest: TailCache | undefined;

  constructor(private readonly budget = TAIL_CACHE_BUDGET) {}

  /** A block of `size` bytes for `holder`, which holds no block or keeps its own until it gives it back. */
  take(holder: TailCache, size: number): Buffer {
    for (let victim = this.oldest; victim && this.held + size > this.budget;) {
      const next = victim.newer;
      if (victim !== holder) victim.clear();
      victim = next;
    }
    this.held += size;
    this.touch(holder);
    const free = this.free.get(size)!;
    if (free.length === 0) {
      // Cut for good: the slab is never given back, only garbage collected with its last block.
      const slab = slabs.take(MIN_POOLED_BYTES);
      for (let at = 0; at < slab.length; at += size) free.push(slab.subarray(at, at + size));
      this.freeBytes += slab.length;
    }
    this.freeBytes -= size;
    return free.pop()!;
  }

  /** `holder` was appended to: it is dropped last. */
  touch(holder: TailCache): void {
    if (this.newest === holder) return;
    this.unlink(holder);
    holder.older = this.newest;
    if (this.newest) this.newest.newer = holder;
    else this.oldest = holder;
    this.newest = holder;
  }

  /** `holder` holds `block` no more; it leaves the list when it holds none. */
  give(holder: TailCache, block: Buffer, holdsAnother = false): void {
    this.held -= block.length;
    if (!holdsAnother) this.unlink(holder);
    // Free blocks of sizes no longer in demand are not kept beyond a quarter of the budget.
    if (this.freeBytes + block.length > this.budget / 4) return;
    this.freeBytes += block.length;
    this.free.get(block.length)!.push(block);
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
    if (data.length > LARGEST_BLOCK / 2) {
      this.clear();
      return;
    }
    if (this.block === undefined || position !== this.start + this.filled) {
      this.clear();
      this.block = this.store.take(this, sizeFor(data.length));
      this.start = position;
    } else if (this.filled + data.length <= this.block.length) {
      this.store.touch(this);
    } else if (this.block.length < LARGEST_BLOCK) {
      const grown = this.store.take(this, sizeFor(this.filled + data.length));
      this.keepNewest(grown, data.length);
      this.store.give(this, this.block, true);
      this.block = grown;
    } else {
      this.store.touch(this);
      this.keepNewest(this.block, data.length);
    }
    this.block.set(data, this.filled);
    this.filled += data.length;
  }

  /** Move the newest bytes to the start of `to` (a larger block, or this one), leaving room for `incoming` more. */
  private keepNewest(to: Buffer, incoming: number): void {
    const drop = Math.max(0, this.filled + incoming - to.length);
    if (to === this.block) to.copyWithin(0, drop, this.filled);
    else to.set(this.block!.subarray(drop, this.filled), 0);
    this.start += drop;
    this.filled -= drop;
  }

  /** Copy the file's `length` bytes at `position` into `buffer` at `offset`, when all are held; false otherwise. */
  read(buffer: Buffer, offset: number, length: number, position: number): boolean {
    const from = position - this.start;
    if (this.block === undefined || from < 0 || from + length > this.filled) return false;
    buffer.set(this.block.subarray(from, from + length), offset);
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

/** The smallest block size for `bytes` (at most LARGEST_BLOCK). */
function sizeFor(bytes: number): number {
  for (const size of BLOCK_SIZES) if (size >= bytes) return size;
  return LARGEST_BLOCK;
}
