/**
 * Kafka's segment index files, read in chunks (a preallocated index is 10 MiB of mostly zeros):
 *   .index      8-byte entries: relativeOffset int32 | position int32
 *   .timeindex 12-byte entries: timestamp int64 | relativeOffset int32
 * Offsets are relative to the segment's base offset (the file name). Kafka counts
 * floor(size / entrySize) entries and treats an entry i > 0 whose offset equals the base offset as
 * the start of the unused, zero-filled tail. Also Kafka's sanityCheck messages for both.
 */
import {ChunkedFile} from './chunked-file.js';

export const OFFSET_INDEX_ENTRY = 8;
export const TIME_INDEX_ENTRY = 12;
const ENTRIES_PER_READ = 64 * 1024;

export interface OffsetIndexEntry { offset: bigint; position: number }
export interface TimeIndexEntry { timestamp: bigint; offset: bigint }

/** Every entry of an index file, in order, read chunk by chunk (the caller decides when to stop). */
async function* entries(file: ChunkedFile, entrySize: number): AsyncGenerator<Buffer> {
  const count = Math.floor(file.size / entrySize);
  for (let i = 0; i < count; i += ENTRIES_PER_READ) {
    const n = Math.min(ENTRIES_PER_READ, count - i);
    const chunk = await file.read(i * entrySize, n * entrySize);
    for (let j = 0; j + entrySize <= chunk.length; j += entrySize) yield chunk.subarray(j, j + entrySize);
  }
}

export async function* offsetIndexEntries(file: ChunkedFile, baseOffset: bigint): AsyncGenerator<OffsetIndexEntry> {
  for await (const e of entries(file, OFFSET_INDEX_ENTRY)) {
    yield {offset: baseOffset + BigInt(e.readInt32BE(0)), position: e.readInt32BE(4)};
  }
}

export async function* timeIndexEntries(file: ChunkedFile, baseOffset: bigint): AsyncGenerator<TimeIndexEntry> {
  for await (const e of entries(file, TIME_INDEX_ENTRY)) {
    yield {timestamp: e.readBigInt64BE(0), offset: baseOffset + BigInt(e.readInt32BE(8))};
  }
}

async function entryAt(file: ChunkedFile, entrySize: number, i: number): Promise<Buffer> {
  return file.read(i * entrySize, entrySize);
}

/** Kafka's OffsetIndex.sanityCheck: the message of its CorruptIndexException, or undefined when sane. */
export async function offsetIndexSanityError(file: ChunkedFile, absPath: string, baseOffset: bigint): Promise<string | undefined> {
  const count = Math.floor(file.size / OFFSET_INDEX_ENTRY);
  if (count > 0) {
    const last = baseOffset + BigInt((await entryAt(file, OFFSET_INDEX_ENTRY, count - 1)).readInt32BE(0));
    if (last < baseOffset) {
      return `Corrupt index found, index file (${absPath}) has non-zero size but the last offset is ${last} which is less than the base offset ${baseOffset}`;
    }
  }
  if (file.size % OFFSET_INDEX_ENTRY !== 0) {
    return `Index file ${absPath} is corrupt, found ${file.size} bytes which is neither positive nor a multiple of ${OFFSET_INDEX_ENTRY}`;
  }
  return undefined;
}

/** Kafka's TimeIndex.sanityCheck. */
export async function timeIndexSanityError(file: ChunkedFile, absPath: string, baseOffset: bigint): Promise<string | undefined> {
  const count = Math.floor(file.size / TIME_INDEX_ENTRY);
  if (count > 0) {
    const first = (await entryAt(file, TIME_INDEX_ENTRY, 0)).readBigInt64BE(0);
    const lastEntry = await entryAt(file, TIME_INDEX_ENTRY, count - 1);
    const lastTimestamp = lastEntry.readBigInt64BE(0);
    const lastOffset = baseOffset + BigInt(lastEntry.readInt32BE(8));
    if (lastTimestamp < first) {
      return `Corrupt time index found, time index file (${absPath}) has non-zero size but the last timestamp is ${lastTimestamp} which is less than the first timestamp ${first}`;
    }
    if (lastOffset < baseOffset) {
      return `Corrupt time index found, time index file (${absPath}) has non-zero size but the last offset is ${lastOffset} which is less than the first offset ${baseOffset}`;
    }
  }
  if (file.size % TIME_INDEX_ENTRY !== 0) {
    return `Time index file ${absPath} is corrupt, found ${file.size} bytes which is neither positive nor a multiple of ${TIME_INDEX_ENTRY}`;
  }
  return undefined;
}

/** The used entries of an offset index (up to the zero-filled tail), for lookups. */
export async function loadOffsetIndex(file: ChunkedFile, baseOffset: bigint): Promise<OffsetIndexEntry[]> {
  const out: OffsetIndexEntry[] = [];
  for await (const e of offsetIndexEntries(file, baseOffset)) {
    if (out.length > 0 && e.offset === baseOffset) break;
    out.push(e);
  }
  return out;
}

/** Kafka's OffsetIndex.lookup: the last entry with offset <= target, else (baseOffset, 0). */
export function lookupOffset(index: OffsetIndexEntry[], baseOffset: bigint, target: bigint): OffsetIndexEntry {
  let lo = 0;
  let hi = index.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (index[mid]!.offset <= target) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found < 0 ? {offset: baseOffset, position: 0} : index[found]!;
}
