/**
 * Primes glibc's malloc so that large native allocations reuse memory the process already has.
 *
 * glibc serves an allocation above M_MMAP_THRESHOLD (128 KiB at start) with a fresh mmap(), and
 * gives memory back to the kernel when more than M_TRIM_THRESHOLD is free at the top of a heap.
 * Both rise by themselves, to the size of the largest mmapped chunk freed so far and twice that
 * (mallopt(3), "dynamic mmap threshold"), but only as large chunks come and go: with the 1 MiB
 * chunks of a Produce they stay at about 1 and 2 MiB, and each garbage collection that frees more
 * than that hands the memory back. The broker makes such allocations on every gzip batch it
 * checks, and on zstd batches where zstd-napi is not installed (the decompressed records: zlib and
 * @mongodb-js/zstd return new memory; lz4, snappy and zstd are otherwise decoded into one reused
 * buffer, records/compression.ts), and new memory is page-faulted in
 * by the kernel: on this project's VM about 2 ms per MiB, ten times what lz4 takes to decompress it. Freeing one 16 MiB chunk raises the thresholds to
 * 16 and 32 MiB for the life of the process, at the cost of keeping up to 32 MiB of freed memory
 * per heap rather than returning it.
 *
 * Node has no mallopt(); scrypt is the built-in that mallocs and frees one chunk of a chosen size
 * by itself (OpenSSL's EVP_PBE_scrypt: 128 * r * (N + 2) bytes), and crypto.scrypt does it on the
 * libuv threadpool, off the event loop (~80 ms of one pool thread, once per process). Other
 * allocators (musl, macOS, Windows) just compute a hash nobody reads.
 */
import {scrypt} from 'node:crypto';

/** scrypt's cost parameters: 128 * r * (N + 2) = 16 MiB + 2 KiB, within glibc's 32 MiB cap for the dynamic threshold. */
export const PRIMING_SCRYPT = {N: 2 ** 14, r: 8, p: 1};
/** The chunk scrypt allocates with PRIMING_SCRYPT (OpenSSL: B of p * 128 * r bytes, then V of 32 * r * (N + 2) words). */
export const PRIMING_BYTES = PRIMING_SCRYPT.p * 128 * PRIMING_SCRYPT.r + 128 * PRIMING_SCRYPT.r * (PRIMING_SCRYPT.N + 2);

let primed: Promise<void> | undefined;

/** Prime the allocator once per process; resolves when done (callers need not wait). Never rejects. */
export function primeAllocator(): Promise<void> {
  primed ??= new Promise((resolve) => {
    try {
      scrypt('kstream', 'allocator', 16, {...PRIMING_SCRYPT, maxmem: 2 * PRIMING_BYTES}, () => resolve());
    } catch {
      resolve(); // An OpenSSL without scrypt (FIPS mode): nothing primed, nothing else changes.
    }
  });
  return primed;
}
