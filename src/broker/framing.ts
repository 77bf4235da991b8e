/**
 * Kafka's framing: every request is an int32 size followed by that many bytes. The reader
 * collects chunks without copying until a whole frame is there, and refuses a negative or
 * oversized length before allocating anything (a 2 GiB prefix costs nothing). A frame that lies
 * in one socket read is a view of it; one spread over several reads (a Produce of 64 KiB or more
 * always is: Node reads 64 KiB at a time) is copied once into a buffer of `frameBuffers`.
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
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being collected, once its 4-byte prefix is complete. */
  private expected = -1;

  /** `pool` supplies the frames that are copied together from several chunks. */
  constructor(private readonly maxBytes: number, private readonly pool?: BufferPool) {}

  /** Add bytes; returns the frames (without size prefix) completed by them. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.take(4).readInt32BE(0);
        if (size < 0 || size > this.maxBytes) throw new FrameSizeError(size, this.maxBytes);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      // Common case: the frame lies in one chunk, slice without copying.
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = this.pool ? this.pool.take(n) : Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    this.buffered -= n;
    return out;
  }
}
