/**
 * zstd data decoded on the calling thread into memory it is given (reused-buffer.ts), through the
 * streaming decompression context of zstd-napi. @mongodb-js/zstd, which compresses, returns a new
 * buffer per call from the thread pool: the batches kcat writes (about 700 KB of zstd from 1 MiB of
 * records) decoded at 0.18-0.35 GB/s that way here, against 1.1-1.2 GB/s this way, and its fresh
 * memory is what V8 answers with mark-compacts (lz4-frame.ts says more). zstd-napi is an optional dependency: where npm cannot
 * fetch its prebuilt binary it is compiled, and where that fails compression.ts falls back to
 * @mongodb-js/zstd.
 */
import {createRequire} from 'node:module';
import {CorruptRecordError} from './errors.js';
import {growBuffer, type OutputBuffers} from './reused-buffer.js';

/** The parts of zstd-napi's native binding used here (its binding.d.ts). */
export interface DecompressionContext {
  /** ZSTD_decompressStream: [0 once a frame is fully decoded and flushed, else a hint > 0; bytes written; bytes read]. */
  decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number];
  reset(directive: number): void;
}
export interface ZstdBinding {
  DCtx: new () => DecompressionContext;
  ResetDirective: {sessionOnly: number};
}

/**
 * Most bytes one batch's records may decode to. zstd can expand a 1 MiB input to gigabytes (a
 * frame of runs); Kafka never holds a batch decompressed, but this broker does, so beyond this the
 * data is refused as corrupt. Record data compresses far less than the 256x this allows a 1 MiB batch.
 */
export const MAX_ZSTD_OUTPUT = 256 * 1024 * 1024;
const MIN_FIRST_OUTPUT = 64 * 1024;
const MAX_FIRST_OUTPUT = 8 * 1024 * 1024;

export class ZstdFrameDecoder {
  private context: DecompressionContext | undefined;

  constructor(private readonly binding: ZstdBinding, private readonly maxOutput = MAX_ZSTD_OUTPUT) {}

  /**
   * The zstd frames of `src` (one or more, concatenated, as Kafka's ZstdInputStream reads them)
   * decoded into a buffer taken from `buffers`; returns the decoded bytes' view of it.
   */
  decode(src: Buffer, buffers: OutputBuffers): Buffer {
    const context = (this.context ??= new this.binding.DCtx());
    let out = buffers.take(Math.min(this.maxOutput, MAX_FIRST_OUTPUT, Math.max(MIN_FIRST_OUTPUT, src.length * 4)));
    const at = {sp: 0, dp: 0};
    try {
      for (;;) {
        // growBuffer may give more than maxOutput: what is past it stays unused.
        if (at.dp === Math.min(out.length, this.maxOutput)) {
          if (at.dp >= this.maxOutput) throw new CorruptRecordError(`zstd data of ${src.length} bytes decodes to more than ${this.maxOutput} bytes`);
          out = growBuffer(out, at.dp, Math.min(this.maxOutput, out.length * 2), buffers);
        }
        if (zstdDecodeInto(context, src, out, Math.min(out.length, this.maxOutput), at)) return out.subarray(0, at.dp);
      }
    } catch (err) {
      // The context may be inside a frame: the next decode starts afresh.
      context.reset(this.binding.ResetDirective.sessionOnly);
      buffers.give(out);
      throw err instanceof CorruptRecordError ? err : new CorruptRecordError((err as Error).message, {cause: err});
    }
  }
}

/**
 * Decodes `src` from `at.sp` into `out` from `at.dp` up to `end`, moving both positions: true once
 * every frame of `src` is decoded, false when the output is full first. Errors are plain Errors
 * with the whole message. Self-contained (no imports, no closure): zstd-thread.ts runs its source
 * on the decoding thread.
 */
export function zstdDecodeInto(context: DecompressionContext, src: Uint8Array, out: Uint8Array, end: number, at: {sp: number; dp: number}): boolean {
  for (;;) {
    let step: [number, number, number];
    try {
      step = context.decompressStream(out.subarray(at.dp, end), src.subarray(at.sp));
    } catch (err) {
      throw new Error(`cannot decompress zstd data: ${(err as Error).message}`, {cause: err});
    }
    const [hint, written, read] = step;
    at.dp += written;
    at.sp += read;
    if (hint === 0 && at.sp === src.length) return true;
    if (at.dp === end) return false;
    // A frame wants more input than there is (the output had room, so it is not waiting for that).
    if (at.sp === src.length) throw new Error(`truncated zstd data (${src.length} bytes)`);
    // Never expected of zstd, but a call that moved nothing with room and input left would loop forever.
    if (written === 0 && read === 0) throw new Error(`zstd decoding stalled at byte ${at.sp} of ${src.length}`);
  }
}

/** zstd-napi's binding, or undefined when it is not installed or did not build. */
function loadBinding(): ZstdBinding | undefined {
  try {
    return createRequire(import.meta.url)('zstd-napi/binding') as ZstdBinding;
  } catch {
    return undefined;
  }
}

const binding = loadBinding();

/** The decoder compression.ts uses, when zstd-napi is there. */
export const zstdFrames: ZstdFrameDecoder | undefined = binding ? new ZstdFrameDecoder(binding) : undefined;
