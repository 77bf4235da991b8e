/**
 * Reads from one segment file:
 * - a Fetch's: whole batches from a position, up to a byte limit (the whole first batch even
 *   beyond it when KIP-74 asks), none reaching `maxOffset`. The bytes go into buffers of the read
 *   pool (src/storage/read-buffers.ts), which the connection gives back once the socket has taken them;
 * - ListOffsets by timestamp: the first record at or after a timestamp.
 */
import {MIN_LEGACY_ENTRY_SIZE, type ScannedBatch, scanBatches} from './batch-scanner.js';
import {BATCH_HEADER_SIZE, LOG_OVERHEAD, OFFSET_MAGIC} from '../records/batch-header.js';
import type {PooledHandle} from './handle-pool.js';
import {readBuffers} from './read-buffers.js';
import {storedRecords} from './stored-records.js';
import {CorruptBatchError} from './errors.js';
import type {ReadArena} from './read-arena.js';
import type {TailCache} from './tail-cache.js';
import {readInt64Number} from '../protocol/int64.js';

export interface WholeBatchRead {
  /** The batches (empty when none fits). */
  data: Buffer;
  /** The offset after the last batch returned; undefined when none is. */
  nextOffset: bigint | undefined;
}

const EMPTY: WholeBatchRead = {data: Buffer.alloc(0), nextOffset: undefined};

/** Whole batches of `log` from `position`, of the `available` bytes after it; copied from `tail` when it holds them. */
export async function readWholeBatches(log: PooledHandle, position: number, available: number, maxBytes: number,
  opts: {minOneBatch: boolean; maxOffset?: bigint}, tail?: TailCache): Promise<WholeBatchRead> {
  // At least the 12-byte length prefix, so an oversized first batch is recognised.
  let buf = await readPooled(log, position, Math.min(Math.max(maxBytes, 12), available), undefined, tail);
  checkFirstEntry(buf, available, log.path, position);
  const oversized = firstBatchBeyond(buf);
  if (oversized !== undefined) {
    // The first batch alone is larger than maxBytes: whole, or nothing (KIP-74).
    if (!opts.minOneBatch) return nothing(buf);
    buf = await readPooled(log, position, oversized, buf, tail);
  }
  return wholeBatchesIn(buf, opts.maxOffset);
}

/**
 * readWholeBatches made synchronously (PooledHandle.readNow); undefined, having kept nothing,
 * when a read cannot be made that way.
 */
export function readWholeBatchesNow(log: PooledHandle, position: number, available: number, maxBytes: number,
  opts: {minOneBatch: boolean; maxOffset?: bigint; arena?: ReadArena}, tail?: TailCache): WholeBatchRead | undefined {
  let buf = readPooledNow(log, position, Math.min(Math.max(maxBytes, 12), available), undefined, opts.arena, tail);
  if (buf === undefined) return undefined;
  checkFirstEntry(buf, available, log.path, position);
  const oversized = firstBatchBeyond(buf);
  if (oversized !== undefined) {
    if (!opts.minOneBatch) return nothing(buf);
    buf = readPooledNow(log, position, oversized, buf, opts.arena, tail);
    if (buf === undefined) return undefined;
  }
  return wholeBatchesIn(buf, opts.maxOffset);
}

/**
 * Throws CorruptBatchError (buf given back) when the entry at the start of `buf`, read at
 * `position` of `path` with `available` bytes of whole batches from there, cannot be a batch: a
 * size below the minimum for its magic (v2: 61 bytes, v0/v1: 26), an unknown magic, or more
 * bytes than the segment holds. Kafka's FileLogInputStream throws CorruptRecordException there;
 * and a damaged size must not make the read allocate what it says (KIP-74's whole first batch).
 */
function checkFirstEntry(buf: Buffer, available: number, path: string, position: number): void {
  if (buf.length < LOG_OVERHEAD) return;
  const size = buf.readInt32BE(8) + LOG_OVERHEAD;
  let problem: string | undefined;
  if (size < MIN_LEGACY_ENTRY_SIZE || size > available) problem = `invalid batch size ${size} at byte ${position}`;
  else if (buf.length > OFFSET_MAGIC) {
    const magic = buf.readInt8(OFFSET_MAGIC);
    if (magic === 2 ? size < BATCH_HEADER_SIZE : magic !== 0 && magic !== 1) problem = `invalid batch (magic ${magic}, ${size} bytes) at byte ${position}`;
  }
  if (problem === undefined) return;
  readBuffers.give(buf);
  throw new CorruptBatchError(`${path}: ${problem}`);
}

/** The size of the first batch in `buf` when it does not fit in it (a read of fewer bytes than that batch). */
function firstBatchBeyond(buf: Buffer): number | undefined {
  if (buf.length < 12) return undefined;
  const size = buf.readInt32BE(8) + 12;
  return size > buf.length ? size : undefined;
}

/** The whole batches at the start of `buf` that end before `maxOffset`; `buf` goes back to the pool when there are none. */
export function wholeBatchesIn(buf: Buffer, maxOffset: bigint | undefined): WholeBatchRead {
  let end = 0;
  // The offset after the last batch: as an exact double while offsets stay below 2^53 (all in
  // practice), so walking the batches makes no BigInts; as a bigint beyond.
  let next = -1;
  let nextOffset: bigint | undefined;
  const max = maxOffset === undefined ? Infinity : Number(maxOffset);
  const exactMax = max === Infinity || Number.isSafeInteger(max);
  while (buf.length - end >= 12) {
    const size = buf.readInt32BE(end + 8) + 12;
    // 26 bytes: the smallest legacy message; a v2 batch has at least 61.
    if (end + size > buf.length || size < 26) break;
    const delta = buf.readInt8(end + 16) === 2 ? buf.readInt32BE(end + 23) : 0;
    const base = readInt64Number(buf, end);
    const last = base + delta;
    if (exactMax && base >= 0 && base <= Number.MAX_SAFE_INTEGER && last >= 0 && last < Number.MAX_SAFE_INTEGER) {
      if (last >= max) break;
      next = last + 1;
    } else {
      const lastOffset = buf.readBigInt64BE(end) + BigInt(delta);
      if (maxOffset !== undefined && lastOffset >= maxOffset) break;
      nextOffset = lastOffset + 1n;
      next = -1;
    }
    end += size;
  }
  if (next >= 0) nextOffset = BigInt(next);
  if (nextOffset === undefined) return nothing(buf);
  // The whole read when it holds whole batches only (as usual): no second view of it.
  return {data: end === buf.length ? buf : buf.subarray(0, end), nextOffset};
}

function nothing(buf: Buffer): WholeBatchRead {
  readBuffers.give(buf);
  return EMPTY;
}

/**
 * `length` bytes at `position` into a pooled buffer. `start`, the first bytes already read (a
 * pooled buffer too), is copied and given back.
 */
async function readPooled(log: PooledHandle, position: number, length: number, start?: Buffer, tail?: TailCache): Promise<Buffer> {
  const buf = readBuffers.take(length);
  const have = start ? start.copy(buf) : 0;
  if (start) readBuffers.give(start);
  if (tail?.read(buf, have, length - have, position + have)) return buf;
  try {
    return buf.subarray(0, have + await log.read(buf, have, length - have, position + have));
  } catch (err) {
    readBuffers.give(buf);
    throw err;
  }
}

/**
 * readPooled made synchronously, into `arena` when it takes a read of this size; undefined (both
 * buffers given back) when it cannot be.
 */
function readPooledNow(log: PooledHandle, position: number, length: number, start?: Buffer, arena?: ReadArena,
  tail?: TailCache): Buffer | undefined {
  // readBuffers.give ignores the arena's memory: it goes back with the arena.
  const buf = arena?.take(length) ?? readBuffers.take(length);
  const have = start ? start.copy(buf) : 0;
  if (start) readBuffers.give(start);
  if (tail?.read(buf, have, length - have, position + have)) return buf;
  let n: number | undefined;
  try {
    n = log.readNow(buf, have, length - have, position + have);
  } catch (err) {
    readBuffers.give(buf);
    throw err;
  }
  if (n === undefined) {
    readBuffers.give(buf);
    return undefined;
  }
  return have + n === buf.length ? buf : buf.subarray(0, have + n);
}

/**
 * The first record with timestamp >= `timestamp` and offset >= `startingOffset` in the batches of
 * `log` between `from` and `end` (Kafka's LogSegment.findOffsetByTimestamp after its index lookup).
 */
export async function findRecordByTimestamp(log: PooledHandle, from: number, end: number, timestamp: bigint,
  startingOffset: bigint): Promise<{offset: bigint; timestamp: bigint} | undefined> {
  let pos = from;
  for (;;) {
    let candidate: ScannedBatch | undefined;
    const scan = await scanBatches(log, pos, end, (b) => {
      if (b.header.maxTimestamp >= timestamp && b.lastOffset >= startingOffset) {
        candidate = b;
        return true;
      }
    });
    // An entry that cannot be a batch fails the lookup (Kafka's FileLogInputStream throws
    // CorruptRecordException) rather than letting it go on to a later segment; a batch cut short
    // by the end of the file ends it quietly, as in Kafka.
    if (!candidate && scan.corrupt) throw new CorruptBatchError(`${log.path}: ${scan.stopReason}`);
    if (!candidate) return undefined;
    const c = candidate as ScannedBatch;
    if (c.header.magic < 2) return {offset: c.lastOffset, timestamp: c.header.maxTimestamp};
    // A record that cannot be read fails the lookup (with Kafka's code), it is not skipped.
    const records = await storedRecords(await readBytes(log, c.position, c.size), `${log.path} at byte ${c.position}`);
    for (const r of records) {
      if (r.timestamp >= timestamp && r.offset >= startingOffset) return {offset: r.offset, timestamp: r.timestamp};
    }
    pos = c.position + c.size;
  }
}

/** `length` bytes of `log` at `position` (fewer at the end of the file), in a buffer of their own. */
export async function readBytes(log: PooledHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const n = await log.read(buf, 0, length, position);
  return buf.subarray(0, n);
}
