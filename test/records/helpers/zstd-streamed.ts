/** zstd frames as librdkafka and zstd-jni write them, for the zstd decoder tests. */
import {createRequire} from 'node:module';
import type {ZstdBinding} from '../../../src/records/zstd-frames.js';

export const binding = createRequire(import.meta.url)('zstd-napi/binding') as ZstdBinding & {
  CCtx: new () => {compressStream2(dst: Uint8Array, src: Uint8Array, end: number): [number, number, number]};
  EndDirective: {end: number};
};

/** One frame written as a stream (no content size in its header), as librdkafka and zstd-jni write them. */
export function streamed(plain: Buffer): Buffer {
  const context = new binding.CCtx();
  const out = Buffer.alloc(plain.length + 1024);
  let written = 0;
  let read = 0;
  for (;;) {
    const [left, produced, consumed] = context.compressStream2(out.subarray(written), plain.subarray(read), binding.EndDirective.end);
    written += produced;
    read += consumed;
    if (left === 0) return out.subarray(0, written);
  }
}
