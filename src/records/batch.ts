/**
 * RecordBatch v2 encode/decode and a shallow iterator over a buffer of batches (a segment file,
 * a fetch response, a produce request). The header layout is documented in batch-header.ts and
 * the record layout in record.ts.
 */
import {
  ATTR_COMPRESSION_MASK, ATTR_CONTROL, ATTR_DELETE_HORIZON, ATTR_TIMESTAMP_TYPE, ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE, type BatchHeader, CompressionType, LOG_OVERHEAD, OFFSET_CRC, OFFSET_MAGIC,
  computeBatchCrc, readBatchHeader,
} from './batch-header.js';
import {compress, decompress} from './compression.js';
import {CorruptRecordError} from './errors.js';
import {legacyEntryHeader} from './legacy.js';
import {
  type KafkaRecord, type RecordHeader, type RecordToEncode, decodeRecords, recordBodySize, recordSize, writeRecord,
} from './record.js';

export const NO_TIMESTAMP = -1n;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
/** Smallest size a legacy (magic 0) entry can have: Kafka's LegacyRecord.RECORD_OVERHEAD_V0 + LOG_OVERHEAD. */
const MIN_ENTRY_SIZE = LOG_OVERHEAD + 14;

export interface DecodedBatch {
  header: BatchHeader;
  records: KafkaRecord[];
}

export interface DecodeBatchOptions {
  /** Check the CRC32C and throw CorruptRecordError on mismatch (default true). */
  verifyCrc?: boolean;
}

/** Decode the v2 batch at `pos` (decompressing its records). */
export async function decodeBatch(buf: Buffer, pos = 0, options: DecodeBatchOptions = {}): Promise<DecodedBatch> {
  const size = checkedV2BatchSize(buf, pos);
  const header = readBatchHeader(buf, pos);
  if (options.verifyCrc !== false) {
    const actual = computeBatchCrc(buf, pos);
    if (actual !== header.crc) {
      throw new CorruptRecordError(
        `record batch at offset ${header.baseOffset} (byte ${pos}) is corrupt: stored CRC ${header.crc}, computed ${actual}`);
    }
  }
  if (header.recordCount < 0) throw new CorruptRecordError(`record batch at byte ${pos} has a negative record count`);
  const compression = (header.attributes & ATTR_COMPRESSION_MASK) as CompressionType;
  const start = pos + BATCH_HEADER_SIZE;
  const end = pos + size;
  const ctx = recordContextOf(header);
  if (compression === CompressionType.None) {
    return {header, records: decodeRecords(buf, start, end, header.recordCount, ctx)};
  }
  const data = await decompress(compression, buf.subarray(start, end));
  return {header, records: decodeRecords(data, 0, data.length, header.recordCount, ctx)};
}

/** What decodeRecords needs from the header of the batch the records are in. */
export function recordContextOf(header: BatchHeader): {baseOffset: bigint; baseTimestamp: bigint; logAppendTime: bigint | null; baseSequence: number} {
  return {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: (header.attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? header.maxTimestamp : null,
    baseSequence: header.baseSequence,
  };
}

/** Size of the v2 batch at `pos`, after checking that it is whole and really magic 2. */
function checkedV2BatchSize(buf: Buffer, pos: number): number {
  if (buf.length - pos < BATCH_HEADER_SIZE) {
    throw new CorruptRecordError(`record batch at byte ${pos} is truncated: ${Math.max(0, buf.length - pos)} bytes, header needs ${BATCH_HEADER_SIZE}`);
  }
  const magic = buf.readInt8(pos + OFFSET_MAGIC);
  if (magic !== 2) {
    throw new CorruptRecordError(`entry at byte ${pos} has magic ${magic}, not a v2 record batch${magic === 0 || magic === 1 ? ' (use the legacy decoder)' : ''}`);
  }
  const size = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) throw new CorruptRecordError(`record batch at byte ${pos} declares ${size} bytes, less than its ${BATCH_HEADER_SIZE}-byte header`);
  if (pos + size > buf.length) {
    throw new CorruptRecordError(`record batch at byte ${pos} is truncated: declares ${size} bytes, ${buf.length - pos} present`);
  }
  return size;
}

export interface BatchEntry {
  position: number;
  header: BatchHeader;
  /** Whole entry size in bytes (batchLength + 12). */
  size: number;
}

/**
 * Shallow walk over the batches of `buf` without decompressing. Stops at an incomplete tail (as
 * Kafka's log readers do: a partial batch at the end of a fetch or of a crashed segment is not an
 * error). Magic 0/1 entries are yielded with a header built from the legacy fields (see
 * legacy.ts). Throws CorruptRecordError for a size below the minimum or an unknown magic.
 */
export function* iterateBatches(buf: Buffer): Generator<BatchEntry> {
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const batchLength = buf.readInt32BE(pos + 8);
    const size = batchLength + LOG_OVERHEAD;
    if (size < MIN_ENTRY_SIZE) {
      throw new CorruptRecordError(`entry at byte ${pos} declares size ${batchLength}, smaller than the minimum record overhead`);
    }
    if (pos + size > buf.length) return;
    const magic = buf.readInt8(pos + OFFSET_MAGIC);
    let header: BatchHeader;
    if (magic === 2) {
      if (size < BATCH_HEADER_SIZE) {
        throw new CorruptRecordError(`record batch at byte ${pos} declares ${size} bytes, less than its ${BATCH_HEADER_SIZE}-byte header`);
      }
      header = readBatchHeader(buf, pos);
    } else if (magic === 0 || magic === 1) {
      header = legacyEntryHeader(buf, pos);
    } else {
      throw new CorruptRecordError(`entry at byte ${pos} has invalid magic ${magic}`);
    }
    yield {position: pos, header, size};
    pos += size;
  }
}

export type BytesLike = Buffer | string;

export interface RecordInput {
  key?: BytesLike | null;
  value?: BytesLike | null;
  headers?: {key: string; value?: BytesLike | null}[];
  /** Epoch milliseconds; defaults to now. */
  timestamp?: bigint | number;
  /** Offset relative to the batch's base offset; defaults to the record's index. */
  offsetDelta?: number;
}

export interface EncodeBatchInput {
  records: RecordInput[];
  baseOffset?: bigint;
  compression?: CompressionType;
  /** The codec's level (compression.<codec>.level); unset: its default. */
  compressionLevel?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  partitionLeaderEpoch?: number;
  timestampType?: 'create' | 'append';
  /** Overrides the last offset delta (needed for batches emptied by compaction). */
  lastOffsetDelta?: number;
  /** Sets the delete-horizon attribute; the base timestamp then holds this value (compaction). */
  deleteHorizonMs?: bigint;
}

function toBytes(v: BytesLike | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** Encode one v2 batch with a valid CRC. */
export async function encodeBatch(input: EncodeBatchInput): Promise<Buffer> {
  const now = BigInt(Date.now());
  const compression = input.compression ?? CompressionType.None;
  if ((compression & ~ATTR_COMPRESSION_MASK) !== 0 || compression > CompressionType.Zstd) {
    throw new CorruptRecordError(`unsupported compression type id ${compression}`);
  }
  const timestamps = input.records.map((r) => (r.timestamp === undefined ? now : BigInt(r.timestamp)));
  let maxTimestamp = NO_TIMESTAMP;
  for (const ts of timestamps) if (ts > maxTimestamp) maxTimestamp = ts;
  const baseTimestamp = input.deleteHorizonMs ?? (timestamps.length > 0 ? timestamps[0]! : NO_TIMESTAMP);

  const toEncode: RecordToEncode[] = input.records.map((r, i) => ({
    offsetDelta: r.offsetDelta ?? i,
    timestampDelta: timestamps[i]! - baseTimestamp,
    key: toBytes(r.key),
    value: toBytes(r.value),
    headers: (r.headers ?? []).map((h): RecordHeader => ({key: h.key, value: toBytes(h.value)})),
  }));
  const bodySizes = toEncode.map(recordBodySize);
  let recordsSize = 0;
  for (const s of bodySizes) recordsSize += recordSize(s);
  const recordsBuf = Buffer.allocUnsafe(recordsSize);
  let p = 0;
  for (let i = 0; i < toEncode.length; i++) p = writeRecord(recordsBuf, p, toEncode[i]!, bodySizes[i]!);

  const payload = compression === CompressionType.None ? recordsBuf : await compress(compression, recordsBuf, {level: input.compressionLevel});
  const lastOffsetDelta = input.lastOffsetDelta
    ?? (toEncode.length > 0 ? toEncode[toEncode.length - 1]!.offsetDelta : 0);
  let attributes = compression;
  if (input.timestampType === 'append') attributes |= ATTR_TIMESTAMP_TYPE;
  if (input.transactional) attributes |= ATTR_TRANSACTIONAL;
  if (input.control) attributes |= ATTR_CONTROL;
  if (input.deleteHorizonMs !== undefined) attributes |= ATTR_DELETE_HORIZON;

  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  out.writeBigInt64BE(input.baseOffset ?? 0n, 0);
  out.writeInt32BE(out.length - LOG_OVERHEAD, 8);
  out.writeInt32BE(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, 12);
  out.writeInt8(2, OFFSET_MAGIC);
  out.writeInt16BE(attributes, 21);
  out.writeInt32BE(lastOffsetDelta, 23);
  out.writeBigInt64BE(baseTimestamp, 27);
  out.writeBigInt64BE(maxTimestamp, 35);
  out.writeBigInt64BE(input.producerId ?? NO_PRODUCER_ID, 43);
  out.writeInt16BE(input.producerEpoch ?? NO_PRODUCER_EPOCH, 51);
  out.writeInt32BE(input.baseSequence ?? NO_SEQUENCE, 53);
  out.writeInt32BE(toEncode.length, 57);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeUInt32BE(computeBatchCrc(out, 0), OFFSET_CRC);
  return out;
}
