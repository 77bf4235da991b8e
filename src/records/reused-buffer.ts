/**
 * Buffers for decoders that write into memory they are given (lz4-frame.ts, snappy-block.ts,
 * zstd-frames.ts):
 * what they need of it, and one implementation that keeps a single buffer and reuses it.
 */

/** Where decoded bytes go: buffers of at least the size asked for. */
export interface OutputBuffers {
  take(size: number): Buffer;
  give(buffer: Buffer): void;
}

/**
 * OutputBuffers of one buffer, kept and reused (up to `maxKept` bytes): for decoding whose output
 * is used, or copied out, before the next decode starts.
 */
export class ReusedBuffer implements OutputBuffers {
  private kept: Buffer | undefined;

  constructor(private readonly maxKept = 8 * 1024 * 1024) {}

  take(size: number): Buffer {
    if (this.kept !== undefined && this.kept.length >= size) return this.kept;
    const fresh = Buffer.allocUnsafeSlow(size);
    if (size <= this.maxKept) this.kept = fresh;
    return fresh;
  }

  give(): void {
    // The kept buffer stays for the next decode; others are left to the garbage collector.
  }
}

/** A buffer from `buffers` of at least `size` bytes (or twice `out`'s) holding out[0, used); `out` is given back. */
export function growBuffer(out: Buffer, used: number, size: number, buffers: OutputBuffers): Buffer {
  const bigger = buffers.take(Math.max(size, out.length * 2));
  out.copy(bigger, 0, 0, used);
  buffers.give(out);
  return bigger;
}

/**
 * A buffer from `buffers` holding a copy of `input` behind its first `outputLength` bytes, for a
 * decoder that writes its output there: its literals are then copied within one buffer, which
 * costs less per call than a copy between two (copy-bytes.ts).
 */
export function inputBehindOutput(buffers: OutputBuffers, input: Buffer, outputLength: number): Buffer {
  const out = buffers.take(outputLength + input.length);
  input.copy(out, outputLength);
  return out;
}
