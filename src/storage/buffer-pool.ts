/**
 * Reusable buffers of 64 KiB to 8 MiB, in power-of-two size classes.
 *
 * On this kind of machine a fresh large Buffer costs more than what is done with it: new memory
 * is page-faulted in by the kernel at first touch (about 3.5 ms per MiB measured on a 2-core VM),
 * and V8 runs extra garbage collections for the external memory. Whoever takes a buffer gives it
 * back once nothing can use it any more; one never given back is simply garbage collected.
 * The broker keeps two pools: record sets read for Fetch (read-buffers.ts) and request frames
 * assembled from several socket reads (broker/framing.ts).
 */
import {randomFill} from 'node:crypto';

/** Smaller buffers are cheap to allocate (and reads of them get copied into the response anyway). */
export const MIN_POOLED_BYTES = 64 * 1024;
/** Larger ones (rare: a batch above 8 MiB) are allocated as usual. */
const MAX_POOLED_BYTES = 8 * 1024 * 1024;
/** Free buffers kept for reuse, in bytes over all sizes. */
const DEFAULT_RETAINED_BYTES = 32 * 1024 * 1024;

interface Slab {
  buffer: Buffer;
  free: boolean;
}

export class BufferPool {
  /** Free slabs by size (powers of two). */
  private readonly free = new Map<number, Slab[]>();
  /** Every slab handed out and not yet dropped, by its memory. */
  private readonly slabs = new WeakMap<ArrayBufferLike, Slab>();
  private retained = 0;
  /** Buffers allocated, and takes served by a buffer given back earlier. */
  readonly stats = {allocated: 0, reused: 0};

  constructor(private readonly maxRetainedBytes = DEFAULT_RETAINED_BYTES) {}

  /** A buffer of exactly `length` bytes (contents undefined), pooled when `length` is in the pooled range. */
  take(length: number): Buffer {
    if (length < MIN_POOLED_BYTES || length > MAX_POOLED_BYTES) return Buffer.allocUnsafe(length);
    const size = sizeClass(length);
    const slab = this.free.get(size)?.pop();
    if (slab) {
      slab.free = false;
      this.retained -= size;
      this.stats.reused++;
      return slab.buffer.subarray(0, length);
    }
    // Its own ArrayBuffer, so the slab is recognised by `buffer` whatever view comes back.
    const fresh: Slab = {buffer: Buffer.allocUnsafeSlow(size), free: false};
    this.slabs.set(fresh.buffer.buffer, fresh);
    this.stats.allocated++;
    return fresh.buffer.subarray(0, length);
  }

  /** True when `view` lies in a buffer of this pool that is in use. */
  owns(view: Buffer): boolean {
    const slab = this.slabs.get(view.buffer);
    return slab !== undefined && !slab.free;
  }

  /**
   * Give back the buffer `view` lies in: nobody may use any view of it afterwards. Views of
   * other memory, and buffers already given back, are ignored.
   */
  give(view: Buffer): void {
    const slab = this.slabs.get(view.buffer);
    if (!slab || slab.free) return;
    const size = slab.buffer.length;
    if (this.retained + size > this.maxRetainedBytes) {
      this.slabs.delete(view.buffer);
      return;
    }
    slab.free = true;
    this.retained += size;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(slab);
  }

  /**
   * Put `bytes` of free buffers of `size` in the pool, their memory touched on the libuv
   * threadpool (crypto.randomFill) rather than at first use on the event loop: the first Fetch of
   * thousands of partitions otherwise page-faults in megabytes of buffers. Free buffers already
   * there count. One buffer at a time, so one pool thread at most is busy with it (start-up's file
   * work shares the pool). Never rejects.
   */
  async prime(bytes: number, size = MIN_POOLED_BYTES): Promise<void> {
    const count = Math.floor(bytes / size);
    // Free ones are taken first and are touched already: a process that starts several brokers
    // (tests) filled the same buffers again at every start.
    const touched = Math.min(count, this.free.get(sizeClass(size))?.length ?? 0);
    // All taken before any is given back, or each take would get the one just filled.
    const buffers = Array.from({length: count}, () => this.take(size));
    for (const buf of buffers.slice(touched)) await new Promise<void>((resolve) => randomFill(buf, () => resolve()));
    for (const buf of buffers) this.give(buf);
  }

  /** Bytes held in free buffers. */
  get retainedBytes(): number {
    return this.retained;
  }
}

function sizeClass(length: number): number {
  return 2 ** Math.ceil(Math.log2(length));
}
