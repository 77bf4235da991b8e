/**
 * Kafka's framing: every request is an int32 size followed by that many bytes. The reader
 * refuses a negative or oversized length before allocating anything (a 2 GiB prefix costs
 * nothing). A frame that lies in one socket read is a view of it (or a copy, when the read's
 * buffer is reused); one spread over several reads (a Produce of 64 KiB or more always is: a read
 * takes at most 64 KiB) is copied once, read by read, into a buffer of `frameBuffers`.
 */
import {BufferPool} from '../storage/buffer-pool.js';

/**
 * Buffers for frames assembled from several socket reads. Reusing them, rather than a fresh
 * Buffer per frame, took the copy of kcat's 1 MiB Produce requests from about 1.6 ms to a few
 * hundredths of a ms per MiB (fresh memory is page-faulted in at first touch).
 */
export const frameBuffers = new BufferPool();

/**
 * The pool sizes of the largest usual Produce frames, one of each made ready at start: a Java
 * client's requests up to max.request.size (1 MiB), librdkafka's 1 MiB batches with their request
 * around them (the 2 MiB class, as is a Produce of one small batch to each of 10,000 partitions).
 * Otherwise the first such request page-faults in its frame (~3.5 ms per MiB here).
 */
export const PRIMED_FRAME_SIZES = [1024 * 1024, 2 * 1024 * 1024];

/** Put one touched buffer of each PRIMED_FRAME_SIZES in frameBuffers (BufferPool.prime). Never rejects. */
export async function primeFrameBuffers(): Promise<void> {
  for (const size of PRIMED_FRAME_SIZES) await frameBuffers.prime(size, size);
}

const PRODUCE_API_KEY = 0;
const FETCH_API_KEY = 1;

/**
 * Give `frame` back to frameBuffers once its request has been handled, if it is a Produce or a
 * Fetch: the Produce handler writes (or copies) every batch before it answers, and a Fetch request
 * has no bytes fields (its decoded names and ids are strings), so neither keeps a view of the frame
 * (a Fetch of 10,000 partitions is a frame of ~330 KB, fresh memory each time if not given back).
 * Other requests may keep views (a JoinGroup's member metadata), so their frames are left to the
 * garbage collector. Frames not from the pool are ignored.
 */
export function releaseHandledFrame(frame: Buffer): void {
  if (frame.length < 2) return;
  const apiKey = frame.readInt16BE(0);
  if (apiKey === PRODUCE_API_KEY || apiKey === FETCH_API_KEY) frameBuffers.give(frame);
}

export class FrameSizeError extends Error {
  constructor(readonly size: number, readonly maxBytes: number) {
    super(size < 0
      ? `invalid request size ${size}`
      : `request size ${size} is larger than socket.request.max.bytes ${maxBytes}`);
    this.name = 'FrameSizeError';
  }
}

export class FrameReader {
  /** The size prefix read so far, when a read ended inside it. */
  private readonly head = Buffer.alloc(4);
  private headHave = 0;
  /** The frame being filled from several reads, and how much of it is there. */
  private frame: Buffer | null = null;
  private filled = 0;

  /** `pool` supplies the buffers of the frames that are copied (from several chunks, or out of a transient one). */
  constructor(private readonly maxBytes: number, private readonly pool?: BufferPool) {}

  /**
   * Add bytes; returns the frames (without size prefix) completed by them. A frame that lies whole
   * in `chunk` is a view of it, unless `transient` says `chunk` is reused once this returns (a
   * socket's own read buffer): then it is copied too. Bytes of a frame not yet complete are copied
   * into its buffer as they come, so no chunk is kept.
   */
  push(chunk: Buffer, transient = false): Buffer[] {
    const frames: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.frame === null) {
        let size: number;
        if (this.headHave === 0 && chunk.length - pos >= 4) {
          size = chunk.readInt32BE(pos);
          pos += 4;
        } else {
          const n = Math.min(4 - this.headHave, chunk.length - pos);
          chunk.copy(this.head, this.headHave, pos, pos + n);
          this.headHave += n;
          pos += n;
          if (this.headHave < 4) break;
          this.headHave = 0;
          size = this.head.readInt32BE(0);
        }
        if (size < 0 || size > this.maxBytes) throw new FrameSizeError(size, this.maxBytes);
        if (chunk.length - pos >= size) {
          // Common case: the frame lies in this chunk, a view of it (or one copy of a transient chunk).
          const view = chunk.subarray(pos, pos + size);
          frames.push(transient ? this.copyOf(view) : view);
          pos += size;
          continue;
        }
        this.frame = this.take(size);
        this.filled = 0;
      }
      const n = Math.min(this.frame.length - this.filled, chunk.length - pos);
      chunk.copy(this.frame, this.filled, pos, pos + n);
      this.filled += n;
      pos += n;
      if (this.filled === this.frame.length) {
        frames.push(this.frame);
        this.frame = null;
      }
    }
    return frames;
  }

  /** Bytes received of frames not yet complete (size prefixes read whole not counted). */
  get pendingBytes(): number {
    return this.headHave + (this.frame === null ? 0 : this.filled);
  }

  private take(n: number): Buffer {
    return this.pool ? this.pool.take(n) : Buffer.allocUnsafe(n);
  }

  private copyOf(view: Buffer): Buffer {
    const out = this.take(view.length);
    view.copy(out);
    return out;
  }
}
