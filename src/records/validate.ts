/**
 * Checks a broker makes on the records of one partition of a Produce request before appending,
 * with the error codes Kafka answers. Sources, in Kafka's order: ProduceRequest.validateRecords
 * (v3+: at least one batch, magic 2, exactly one batch), UnifiedLog.analyzeAndValidateRecords
 * (baseOffset 0 from clients, size against max.message.bytes, CRC) and LogValidator.validateBatch
 * (offset range vs record count, no control batches from clients, sequence with a producer id;
 * LogAppendTime set by a producer is INVALID_TIMESTAMP).
 *
 * Deliberate differences, all stricter and all on input no Kafka client produces: a truncated batch
 * or trailing bytes after the batch are CORRUPT_MESSAGE (Kafka would drop the partial tail or
 * report INVALID_RECORD), and an unknown codec id is UNSUPPORTED_COMPRESSION_TYPE (Kafka fails
 * with an internal error).
 *
 * The record-level checks of LogValidator (validateRecord: keys on compacted topics, CreateTime
 * timestamps within message.timestamp.before/after.max.ms, with KIP-467 record errors) are made by
 * a walk that reads each record's fields in place (record-walk.ts). checkProducedBatch makes it on
 * every uncompressed batch, whether a check applies or not, since it also checks each record's
 * structure (INVALID_RECORD). Compressed batches are decompressed and walked by
 * checkCompressedRecords (async), always, as Kafka decompresses every compressed batch it takes.
 */
import {
  ATTR_COMPRESSION_MASK, ATTR_CONTROL, ATTR_TIMESTAMP_TYPE, BATCH_HEADER_SIZE, type BatchHeader, CompressionType,
  LOG_OVERHEAD, OFFSET_ATTRIBUTES, OFFSET_BASE_OFFSET, OFFSET_BASE_SEQUENCE, OFFSET_BATCH_LENGTH, OFFSET_CRC,
  OFFSET_LAST_OFFSET_DELTA, OFFSET_MAGIC, OFFSET_PRODUCER_ID, OFFSET_RECORD_COUNT, computeBatchCrc, readBatchHeader,
} from './batch-header.js';
import {withDecompressed} from './compression.js';
import {CorruptRecordError, RecordErrorCode, RecordValidationError} from './errors.js';
import {type RecordChecks, walkRecords} from './record-walk.js';

export type {RecordChecks} from './record-walk.js';

export interface ValidatedBatch {
  position: number;
  size: number;
  header: BatchHeader;
}

export interface ValidationResult {
  batches: ValidatedBatch[];
  recordCount: number;
}

const {CORRUPT_MESSAGE, INVALID_RECORD, MESSAGE_TOO_LARGE, INVALID_TIMESTAMP, UNSUPPORTED_COMPRESSION_TYPE, UNKNOWN_SERVER_ERROR} = RecordErrorCode;

export function validateProducedBatches(buf: Buffer, maxMessageBytes: number): ValidationResult {
  const size = checkProducedBatch(buf, maxMessageBytes);
  const header = readBatchHeader(buf, 0);
  return {batches: [{position: 0, size, header}], recordCount: header.recordCount};
}

/** The first Produce version that may carry zstd (KIP-110: v7 says the producer knows the codec). */
export const ZSTD_PRODUCE_VERSION = 7;

/**
 * Produce v3-v6 refuse a zstd batch with UNSUPPORTED_COMPRESSION_TYPE, as Kafka's
 * ProduceRequest.validateRecords does right after its magic check (before CRC or size checks);
 * v0-v2 are not checked there (Kafka keeps their old leniency). Only a magic-2 batch is looked at:
 * anything else is checkProducedBatch's to refuse.
 */
export function checkProduceVersionCodec(buf: Buffer, version: number): void {
  if (version < 3 || version >= ZSTD_PRODUCE_VERSION || buf.length < OFFSET_ATTRIBUTES + 2) return;
  if (buf.readInt8(OFFSET_MAGIC) !== 2) return;
  if ((buf.readInt16BE(OFFSET_ATTRIBUTES) & ATTR_COMPRESSION_MASK) === CompressionType.Zstd) {
    throw new RecordValidationError(UNSUPPORTED_COMPRESSION_TYPE,
      `Produce requests with version ${version} are not allowed to use ZStandard compression`);
  }
}

/**
 * validateProducedBatches without building a result (the Produce path checks thousands of
 * partitions per request): throws the same errors in the same order; returns the batch's size.
 * The header's fields are read as 32-bit halves, so a valid batch costs no BigInt. With `checks`
 * (null: none apply) an uncompressed batch's records are checked too; `where` ("topic-partition")
 * is for the messages of those checks. A compressed batch's records are checkCompressedRecords' job.
 */
export function checkProducedBatch(buf: Buffer, maxMessageBytes: number, checks: RecordChecks | null = null, where = ''): number {
  if (buf.length === 0) throw new RecordValidationError(INVALID_RECORD, 'produce request must have at least one record batch');
  if (buf.length < LOG_OVERHEAD + 5) {
    throw new RecordValidationError(CORRUPT_MESSAGE, `record batch is truncated: ${buf.length} bytes`);
  }
  const declared = buf.readInt32BE(OFFSET_BATCH_LENGTH);
  const size = declared + LOG_OVERHEAD;
  const magic = buf.readInt8(OFFSET_MAGIC);
  if (magic < 0 || magic > 2) throw new RecordValidationError(CORRUPT_MESSAGE, `invalid magic ${magic} in record batch`);
  if (magic !== 2) {
    throw new RecordValidationError(INVALID_RECORD, `produce requests may only contain record batches with magic 2, got magic ${magic}`);
  }
  if (size < BATCH_HEADER_SIZE) {
    throw new RecordValidationError(CORRUPT_MESSAGE, `record batch size ${size} is smaller than the minimum batch overhead ${BATCH_HEADER_SIZE}`);
  }
  if (size > buf.length) {
    throw new RecordValidationError(CORRUPT_MESSAGE, `record batch is truncated: declares ${size} bytes, ${buf.length} present`);
  }
  if (size < buf.length) {
    const extra = buf.length - size;
    throw new RecordValidationError(extra >= LOG_OVERHEAD ? INVALID_RECORD : CORRUPT_MESSAGE, extra >= LOG_OVERHEAD
      ? 'produce requests may only contain exactly one record batch per partition'
      : `${extra} stray bytes after the record batch`);
  }
  if (buf.readInt32BE(OFFSET_BASE_OFFSET) !== 0 || buf.readInt32BE(OFFSET_BASE_OFFSET + 4) !== 0) {
    throw new RecordValidationError(INVALID_RECORD,
      `the baseOffset of a produced record batch must be 0, but it is ${buf.readBigInt64BE(OFFSET_BASE_OFFSET)}`);
  }
  if (size > maxMessageBytes) {
    throw new RecordValidationError(MESSAGE_TOO_LARGE,
      `the record batch is ${size} bytes, larger than the maximum allowed (max.message.bytes ${maxMessageBytes})`);
  }
  const stored = buf.readUInt32BE(OFFSET_CRC);
  const crc = computeBatchCrc(buf, 0);
  if (crc !== stored) {
    throw new RecordValidationError(CORRUPT_MESSAGE, `record batch is corrupt (stored crc = ${stored}, computed crc = ${crc})`);
  }
  const attributes = buf.readInt16BE(OFFSET_ATTRIBUTES);
  const compression = attributes & ATTR_COMPRESSION_MASK;
  if (compression > CompressionType.Zstd) {
    throw new RecordValidationError(UNSUPPORTED_COMPRESSION_TYPE, `unknown compression type id ${compression}`);
  }
  const recordCount = buf.readInt32BE(OFFSET_RECORD_COUNT);
  checkBatchFields(buf, attributes, recordCount);
  // Every record's structure, as Kafka's LogValidator iterates each record (DefaultRecord.readFrom):
  // length prefixes alone would let a record whose fields overrun it into the log.
  if (compression === CompressionType.None) walkRecords(buf, BATCH_HEADER_SIZE, size, recordCount, buf, checks, where);
  return size;
}

/** Whether a batch that passed checkProducedBatch is compressed (its records need checkCompressedRecords). */
export function isCompressedBatch(buf: Buffer): boolean {
  return (buf.readInt16BE(OFFSET_ATTRIBUTES) & ATTR_COMPRESSION_MASK) !== CompressionType.None;
}

/**
 * The records of a compressed batch that passed checkProducedBatch, as Kafka's LogValidator checks
 * them: decompressed (data that does not decompress is UNKNOWN_SERVER_ERROR, Kafka's answer to its
 * "Failed to decompress record stream"), the declared count and each record's structure
 * (INVALID_RECORD), and `checks` on every record. Resolves whether the records' offsets (base
 * offset + delta) are 0, 1, ... in order: Kafka rewrites a batch whose are not (some old clients
 * numbered them wrongly, "historically the broker handled this by rewriting the batches").
 */
export async function checkCompressedRecords(buf: Buffer, checks: RecordChecks | null = null, where = ''): Promise<boolean> {
  const compression = (buf.readInt16BE(OFFSET_ATTRIBUTES) & ATTR_COMPRESSION_MASK) as CompressionType;
  const size = buf.readInt32BE(OFFSET_BATCH_LENGTH) + LOG_OVERHEAD;
  // The walk keeps nothing of the records, so they may be decompressed into a reused buffer.
  let decompressed = false;
  const walk = (data: Buffer) => {
    decompressed = true;
    return walkRecords(data, 0, data.length, buf.readInt32BE(OFFSET_RECORD_COUNT), buf, checks, where);
  };
  let deltasInOrder: boolean;
  try {
    deltasInOrder = await withDecompressed(compression, buf.subarray(BATCH_HEADER_SIZE, size), walk);
  } catch (err) {
    if (decompressed || !(err instanceof CorruptRecordError)) throw err;
    throw new RecordValidationError(UNKNOWN_SERVER_ERROR, `Failed to decompress record stream: ${err.message}`);
  }
  return deltasInOrder && buf.readInt32BE(0) === 0 && buf.readInt32BE(4) === 0;
}

function checkBatchFields(buf: Buffer, attributes: number, recordCount: number): void {
  const lastOffsetDelta = buf.readInt32BE(OFFSET_LAST_OFFSET_DELTA);
  const countFromOffsets = lastOffsetDelta + 1;
  if (countFromOffsets <= 0) {
    throw new RecordValidationError(INVALID_RECORD, `batch has an invalid offset range: last offset delta ${lastOffsetDelta}`);
  }
  if (recordCount <= 0) throw new RecordValidationError(INVALID_RECORD, `invalid reported count for record batch: ${recordCount}`);
  if (countFromOffsets !== recordCount) {
    throw new RecordValidationError(INVALID_RECORD,
      `inconsistent batch offset range [0, ${lastOffsetDelta}] and count of records ${recordCount}`);
  }
  if ((attributes & ATTR_CONTROL) !== 0) throw new RecordValidationError(INVALID_RECORD, 'clients are not allowed to write control records');
  // producerId >= 0: the sign is in the high half.
  const baseSequence = buf.readInt32BE(OFFSET_BASE_SEQUENCE);
  if (buf.readInt32BE(OFFSET_PRODUCER_ID) >= 0 && baseSequence < 0) {
    throw new RecordValidationError(INVALID_RECORD,
      `invalid sequence number ${baseSequence} in record batch with producerId ${buf.readBigInt64BE(OFFSET_PRODUCER_ID)}`);
  }
  if ((attributes & ATTR_TIMESTAMP_TYPE) !== 0) {
    throw new RecordValidationError(INVALID_TIMESTAMP, 'producers must not set the timestamp type to LogAppendTime');
  }
}

