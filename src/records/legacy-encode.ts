/**
 * Down-conversion of a fetched record set to a legacy message set (magic 0 or 1), for Fetch v0-v3,
 * as Kafka 3.x's LazyDownConversionRecords / RecordsUtil.downConvert / MemoryRecordsBuilder do:
 * - each v2 batch becomes messages of the target magic: uncompressed, one message per record
 *   (records before the fetch offset dropped, since legacy uncompressed messages are not batched);
 *   compressed, one wrapper with the batch's codec holding every record of the batch (the consumer
 *   skips those before its offset). Offsets are kept; a wrapper carries its last inner offset, and
 *   magic 1 inner offsets are relative to the first record's. Headers are dropped.
 * - timestamps (magic 1): CreateTime keeps each record's, a wrapper takes the largest;
 *   LogAppendTime sets the attribute bit and the batch's max timestamp on every message. Magic 0 has
 *   no timestamp.
 * - control batches are skipped (legacy formats cannot express them); transactional data is kept
 *   (v0-v3 fetchers are read_uncommitted). Legacy entries of the target magic or lower pass as they
 *   are; magic 1 entries read by a magic 0 fetcher are converted the same way.
 * - zstd cannot be expressed in magic 0/1: a first zstd batch is UNSUPPORTED_COMPRESSION_TYPE for the
 *   partition; a later one ends the set there, so the consumer gets the error on its next fetch.
 * - size: Kafka commits to max(unconverted size, first converted batch) bytes and cuts the converted
 *   stream there (a partial trailing message, which consumers drop). Here the cut is at the last whole
 *   message under that size: the same messages reach the consumer.
 */
import {crc32} from '@node-rs/crc32';
import {ATTR_COMPRESSION_MASK, ATTR_CONTROL, ATTR_TIMESTAMP_TYPE, CompressionType, LOG_OVERHEAD, OFFSET_ATTRIBUTES,
  OFFSET_MAGIC} from './batch-header.js';
import {decodeBatch, iterateBatches} from './batch.js';
import {compress} from './compression.js';
import {decodeLegacyEntry} from './legacy.js';

export type LegacyMagic = 0 | 1;

export interface DownConverted {
  /** The legacy message set (an ordinary buffer: nothing of the input is referenced). */
  records: Buffer;
  /** The first batch to convert was zstd-compressed: the partition's error is UNSUPPORTED_COMPRESSION_TYPE. */
  unsupportedCompression: boolean;
}

/** What one source batch turns into. */
interface Source {
  codec: CompressionType;
  timestampType: 'none' | 'create' | 'append';
  /** Max timestamp of the batch, the LogAppendTime of its records. */
  logAppendTime: bigint;
  records: {offset: bigint; timestamp: bigint; key: Buffer | null; value: Buffer | null}[];
}

/** The message magic Fetch `version` reads, or null when it reads v2 batches (KafkaApis). */
export function fetchMagic(version: number): LegacyMagic | null {
  return version <= 1 ? 0 : version <= 3 ? 1 : null;
}

/** Down-convert the record set `buf` (whole batches, possibly a partial tail) read from `fetchOffset`. */
export async function downConvert(buf: Buffer, magic: LegacyMagic, fetchOffset: bigint): Promise<DownConverted> {
  const out: Buffer[] = [];
  let size = 0;
  let limit = -1;
  for (const entry of iterateBatches(buf)) {
    const at = entry.position;
    const entryMagic = buf.readInt8(at + OFFSET_MAGIC);
    let messages: Buffer[];
    if (entryMagic <= magic) {
      messages = [buf.subarray(at, at + entry.size)];
    } else {
      const source = entryMagic === 2 ? await v2Source(buf, at) : await legacySource(buf, at);
      if (source === 'zstd') {
        if (limit < 0) return {records: Buffer.alloc(0), unsupportedCompression: true};
        break;
      }
      if (source === null) continue;
      messages = await encodeSource(source, magic, fetchOffset);
      if (messages.length === 0) continue;
    }
    if (limit < 0) limit = Math.max(buf.length, messages.reduce((n, m) => n + m.length, 0));
    let full = false;
    for (const m of messages) {
      if (size + m.length > limit) {
        full = true;
        break;
      }
      out.push(m);
      size += m.length;
    }
    if (full) break;
  }
  // concat copies: the result shares no memory with `buf` (a pooled read buffer).
  return {records: Buffer.concat(out, size), unsupportedCompression: false};
}

async function v2Source(buf: Buffer, at: number): Promise<Source | 'zstd' | null> {
  const attributes = buf.readInt16BE(at + OFFSET_ATTRIBUTES);
  if ((attributes & ATTR_CONTROL) !== 0) return null;
  const codec = (attributes & ATTR_COMPRESSION_MASK) as CompressionType;
  if (codec === CompressionType.Zstd) return 'zstd';
  const {header, records} = await decodeBatch(buf, at, {verifyCrc: false});
  return {
    codec,
    timestampType: (attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'append' : 'create',
    logAppendTime: header.maxTimestamp,
    records,
  };
}

/** A magic 1 entry read by a magic 0 fetcher. */
async function legacySource(buf: Buffer, at: number): Promise<Source> {
  const {message, records} = await decodeLegacyEntry(buf, at, {verifyCrc: false});
  return {codec: message.compression, timestampType: message.timestampType, logAppendTime: message.timestamp, records};
}

/** MemoryRecordsBuilder for magic 0/1: the entries `source` becomes (each its own buffer). */
async function encodeSource(source: Source, magic: LegacyMagic, fetchOffset: bigint): Promise<Buffer[]> {
  const append = magic === 1 && source.timestampType === 'append';
  const timestampBit = append ? ATTR_TIMESTAMP_TYPE : 0;
  const timestampOf = (t: bigint) => (append ? source.logAppendTime : t);
  if (source.codec === CompressionType.None) {
    return source.records.filter((r) => r.offset >= fetchOffset)
      .map((r) => legacyMessage(magic, r.offset, timestampOf(r.timestamp), timestampBit, r.key, r.value));
  }
  if (source.records.length === 0) return [];
  const base = source.records[0]!.offset;
  let maxTimestamp = -1n;
  const inner = source.records.map((r) => {
    const timestamp = timestampOf(r.timestamp);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    // Magic 1 inner offsets are relative to the wrapper's first record; magic 0 ones absolute.
    return legacyMessage(magic, magic === 1 ? r.offset - base : r.offset, timestamp, timestampBit, r.key, r.value);
  });
  const value = await compress(source.codec, Buffer.concat(inner), {legacyLz4HeaderChecksum: magic === 0});
  const last = source.records[source.records.length - 1]!.offset;
  return [legacyMessage(magic, last, maxTimestamp, source.codec | timestampBit, null, value)];
}

/** One entry: offset | size | crc (CRC32 of magic..end) | magic | attributes | [timestamp] | key | value. */
export function legacyMessage(magic: LegacyMagic, offset: bigint, timestamp: bigint, attributes: number,
  key: Buffer | null, value: Buffer | null): Buffer {
  const bodySize = 4 + 2 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0);
  const out = Buffer.allocUnsafe(LOG_OVERHEAD + bodySize);
  out.writeBigInt64BE(offset, 0);
  out.writeInt32BE(bodySize, 8);
  let p = out.writeInt8(magic, OFFSET_MAGIC);
  p = out.writeInt8(attributes, p);
  if (magic === 1) p = out.writeBigInt64BE(timestamp, p);
  for (const field of [key, value]) {
    p = out.writeInt32BE(field === null ? -1 : field.length, p);
    if (field !== null) p += field.copy(out, p);
  }
  out.writeUInt32BE(crc32(out.subarray(OFFSET_MAGIC)) >>> 0, 12);
  return out;
}
