/**
 * Produce v0-v2 may carry legacy message sets (magic 0 and 1). Kafka 3.x's message format is v2,
 * so its LogValidator validates them and writes their messages into ONE v2 batch
 * (convertAndAssignOffsetsNonCompressed, or validateMessagesAndAssignOffsetsCompressed when the
 * source or the target is compressed). This module does the same, with Kafka's checks, order and
 * error codes:
 *
 * - every entry (UnifiedLog.analyzeAndValidateRecords): size at least the v0 overhead and a known
 *   magic (CORRUPT_MESSAGE), entry size within max.message.bytes (MESSAGE_TOO_LARGE), the CRC32 of
 *   the message (CORRUPT_MESSAGE); a codec id beyond zstd is UNSUPPORTED_COMPRESSION_TYPE.
 * - a compressed message set is exactly one wrapper; every entry has the first one's magic
 *   (INVALID_RECORD).
 * - a wrapper's inner messages (AbstractLegacyRecordBatch.DeepRecordsIterator): zstd or a null
 *   value or no inner message is INVALID_RECORD, a magic 1 wrapper offset other than 0 must not be
 *   below its last inner offset (INVALID_RECORD), data that does not decompress is
 *   UNKNOWN_SERVER_ERROR (Kafka's KafkaException), a nested compressed message INVALID_RECORD, an
 *   inner message of another magic a record error (INVALID_RECORD), an inner CRC mismatch
 *   CORRUPT_MESSAGE. LZ4 on magic 0 takes the old clients' wrong frame header checksum.
 * - per message (validateRecord): keys on compacted topics, CreateTime bounds, and a producer that
 *   set LogAppendTime (INVALID_TIMESTAMP), as KIP-467 record errors thrown per entry
 *   (processRecordErrors), so an uncompressed message's batchIndex is 0: each is its own "batch".
 *
 * The result has base offset 0, producer id -1, each message one record with its key and value,
 * the message's timestamp (magic 1 CreateTime kept; magic 0 has none: -1), CreateTime (the append
 * applies LogAppendTime where the topic asks), compressed with the target codec: the producer's when
 * compression.type=producer, else the topic's. It must fit max.message.bytes too (Kafka re-checks
 * sizes after a conversion).
 *
 * Deliberate differences, stricter, on input no client sends: a truncated entry or inner message
 * is CORRUPT_MESSAGE (Kafka drops a partial tail), and a message whose fields overrun it is
 * CORRUPT_MESSAGE (Kafka fails with an internal error).
 */
import {crc32} from '@node-rs/crc32';
import {BATCH_HEADER_SIZE, CompressionType, LOG_OVERHEAD, OFFSET_MAGIC, computeBatchCrc} from './batch-header.js';
import {encodeBatch} from './batch.js';
import {compressionName, decompress} from './compression.js';
import {CorruptRecordError, type RecordError, RecordErrorCode, RecordValidationError} from './errors.js';
import {type LegacyMessage, readLegacyMessage} from './legacy.js';
import {type RecordChecks, recordErrors, timestampOutOfBounds} from './record-walk.js';
import {checkConvertedSize, type TargetCompression} from './recompress.js';

const {CORRUPT_MESSAGE, INVALID_RECORD, INVALID_TIMESTAMP, MESSAGE_TOO_LARGE, UNSUPPORTED_COMPRESSION_TYPE, UNKNOWN_SERVER_ERROR} = RecordErrorCode;

/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: crc, magic, attributes, key and value lengths. */
const RECORD_OVERHEAD_V0 = 14;
const OFFSET_LEGACY_ATTRIBUTES = 17;
const CODEC_MASK = 0x07;

export interface LegacyConvertOptions {
  maxMessageBytes: number;
  /** The topic's per-record checks (null: none apply). */
  checks: RecordChecks | null;
  /** "topic-partition", for the messages. */
  where: string;
  /** The topic's compression.type (recompress.ts): null, for "producer", keeps the producer's codec. */
  target: TargetCompression | null;
  /** The broker's clock for the timestamp bounds (ms). */
  now?: number;
}

/** Whether a produced records buffer starts with a legacy (magic 0 or 1) entry. */
export function isLegacyMessageSet(buf: Buffer): boolean {
  return buf.length > OFFSET_MAGIC && (buf[OFFSET_MAGIC] === 0 || buf[OFFSET_MAGIC] === 1);
}

/** One outer entry of the produced message set. */
interface Entry {
  offset: bigint;
  magic: number;
  /** Null for a magic 2 batch (refused later: its magic is not the first entry's). */
  message: LegacyMessage | null;
}

interface Converted {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: bigint;
}

/** Validate a produced legacy message set as Kafka 3.x does; the one v2 batch it becomes. */
export async function convertLegacyMessageSet(buf: Buffer, options: LegacyConvertOptions): Promise<Buffer> {
  const {entries, sourceCodec} = scanEntries(buf, options);
  if (sourceCodec !== CompressionType.None && entries.length > 1) {
    throw new RecordValidationError(INVALID_RECORD, 'Compressed outer record has more than one batch');
  }
  const firstMagic = entries[0]!.magic;
  const now = options.now ?? Date.now();
  const records: Converted[] = [];
  for (const entry of entries) {
    if (entry.magic !== firstMagic) {
      throw new RecordValidationError(INVALID_RECORD,
        `Batch magic ${entry.magic} is not the same as the first batch's magic byte ${firstMagic} in topic partition ${options.where}`);
    }
    const outer = entry.message!;
    const messages = outer.compression === CompressionType.None
      ? [{message: outer, offset: entry.offset, timestamp: outer.timestamp}]
      : await innerMessages(entry, outer, options.where);
    // processRecordErrors: all of an entry's records are checked, then the entry fails as a whole.
    const errors: RecordError[] = [];
    let timestampFailed = false;
    messages.forEach((inner, batchIndex) => {
      const failure = 'mismatch' in inner ? {text: inner.mismatch, code: INVALID_RECORD}
        : checkRecord(outer, inner.message, inner.offset, inner.timestamp, now, options);
      if (failure === null) return;
      errors.push({batchIndex, batchIndexErrorMessage: failure.text});
      if (failure.code === INVALID_TIMESTAMP) timestampFailed = true;
    });
    if (errors.length > 0) throw recordErrors(errors, timestampFailed);
    for (const inner of messages) {
      if ('message' in inner) records.push({key: inner.message.key, value: inner.message.value, timestamp: inner.timestamp});
    }
  }
  const target = options.target ?? {type: sourceCodec, level: undefined};
  const batch = await encodeBatch({records, compression: target.type, compressionLevel: target.level});
  checkConvertedSize(batch, options.maxMessageBytes, options.where);
  return batch;
}

/** The outer entries, each checked as UnifiedLog.analyzeAndValidateRecords does; the last codec other than none. */
function scanEntries(buf: Buffer, options: LegacyConvertOptions): {entries: Entry[]; sourceCodec: CompressionType} {
  const entries: Entry[] = [];
  let sourceCodec = CompressionType.None;
  for (let pos = 0; pos < buf.length;) {
    const remaining = buf.length - pos;
    if (remaining < LOG_OVERHEAD) throw corrupt(`${remaining} stray bytes after the message set`);
    const messageSize = buf.readInt32BE(pos + 8);
    if (messageSize < RECORD_OVERHEAD_V0) {
      throw corrupt(`Record size ${messageSize} is less than the minimum record overhead (${RECORD_OVERHEAD_V0})`);
    }
    if (remaining <= OFFSET_MAGIC) throw corrupt(`message set is truncated: ${remaining} bytes at byte ${pos}`);
    const magic = buf.readInt8(pos + OFFSET_MAGIC);
    if (magic < 0 || magic > 2) throw corrupt(`Invalid magic found in record: ${magic}`);
    const size = messageSize + LOG_OVERHEAD;
    if (size > remaining) throw corrupt(`message set is truncated: the entry at byte ${pos} declares ${size} bytes, ${remaining} present`);
    const entryBuf = buf.subarray(pos, pos + size);
    const offset = entryBuf.readBigInt64BE(0);
    if (magic === 2) {
      checkV2Entry(entryBuf, offset, options);
      sourceCodec = codecOf(entryBuf.readInt16BE(21), sourceCodec);
      entries.push({offset, magic, message: null});
    } else {
      if (size > options.maxMessageBytes) throw tooLarge(size, options);
      const message = parse(entryBuf, 0);
      if (!message.crcValid) {
        throw corrupt(`Record is corrupt (stored crc = ${message.crc}) in topic partition ${options.where}.`);
      }
      sourceCodec = codecOf(message.attributes, sourceCodec);
      entries.push({offset, magic, message});
    }
    pos += size;
  }
  return {entries, sourceCodec};
}

/** A magic 2 batch among legacy entries: the checks it passes before its magic is refused. */
function checkV2Entry(entry: Buffer, offset: bigint, options: LegacyConvertOptions): void {
  if (offset !== 0n) {
    throw new RecordValidationError(INVALID_RECORD, `the baseOffset of a produced record batch must be 0, but it is ${offset}`);
  }
  if (entry.length > options.maxMessageBytes) throw tooLarge(entry.length, options);
  if (entry.length < BATCH_HEADER_SIZE) throw corrupt(`record batch size ${entry.length} is smaller than the minimum batch overhead ${BATCH_HEADER_SIZE}`);
  const stored = entry.readUInt32BE(17);
  if (computeBatchCrc(entry, 0) !== stored) throw corrupt(`Record is corrupt (stored crc = ${stored}) in topic partition ${options.where}.`);
}

function codecOf(attributes: number, previous: CompressionType): CompressionType {
  const codec = attributes & CODEC_MASK;
  if (codec > CompressionType.Zstd) throw new RecordValidationError(UNSUPPORTED_COMPRESSION_TYPE, `unknown compression type id ${codec}`);
  return codec === CompressionType.None ? previous : codec as CompressionType;
}

/** A message to convert, or an inner message of another magic than its wrapper (a record error). */
type Inner = {message: LegacyMessage; offset: bigint; timestamp: bigint} | {mismatch: string};

/**
 * A compressed wrapper's inner messages, after the checks Kafka's DeepRecordsIterator and the CRC
 * check of validateRecord make (thrown in the order the messages come).
 */
async function innerMessages(entry: Entry, wrapper: LegacyMessage, where: string): Promise<Inner[]> {
  if (wrapper.compression === CompressionType.Zstd) {
    throw new RecordValidationError(INVALID_RECORD, `Invalid wrapper compressionType found in legacy deep record iterator ${wrapper.magic}`);
  }
  if (wrapper.value === null) {
    throw new RecordValidationError(INVALID_RECORD, `Found invalid compressed record set with null value (magic = ${wrapper.magic})`);
  }
  let data: Buffer;
  try {
    // Magic 0 clients wrote a wrong LZ4 frame header checksum, which Kafka ignores for magic 0.
    data = await decompress(wrapper.compression, wrapper.value, {legacyLz4HeaderChecksum: wrapper.magic === 0});
  } catch (err) {
    if (!(err instanceof CorruptRecordError)) throw err;
    throw new RecordValidationError(UNKNOWN_SERVER_ERROR, `Failed to decompress record stream: ${err.message}`);
  }
  const inner = splitInner(data, wrapper);
  if (inner.length === 0) throw new RecordValidationError(INVALID_RECORD, 'Found invalid compressed record set with no inner records');
  // Magic 1 inner offsets are relative; a wrapper offset of 0 (some librdkafka versions) means "base 0".
  let base = -1n;
  if (wrapper.magic === 1) {
    const lastInner = inner[inner.length - 1]!.offset;
    if (entry.offset === 0n) base = 0n;
    else if (entry.offset < lastInner) {
      throw new RecordValidationError(INVALID_RECORD, `Found invalid wrapper offset in compressed v1 message set, wrapper offset `
        + `'${entry.offset}' is less than the last inner message offset '${lastInner}' and it is not zero.`);
    } else base = entry.offset - lastInner;
  }
  return inner.map(({offset: innerOffset, pos}): Inner => {
    const offset = base >= 0n ? base + innerOffset : innerOffset;
    if ((data[pos + OFFSET_LEGACY_ATTRIBUTES]! & CODEC_MASK) !== CompressionType.None) {
      throw new RecordValidationError(INVALID_RECORD, 'Inner messages must not be compressed');
    }
    const magic = data.readInt8(pos + OFFSET_MAGIC);
    if (magic !== wrapper.magic) {
      return {mismatch: `Record LegacyRecordBatch(offset=${offset}, magic=${magic})'s magic does not match outer magic ${wrapper.magic} in topic partition ${where}`};
    }
    const m = parse(data, pos);
    if (!m.crcValid) {
      throw corrupt(`Record is corrupt (stored crc = ${m.crc}, computed crc = ${computedCrc(data, pos, m)}) in topic partition ${where}`);
    }
    // With LogAppendTime on a magic 1 wrapper, its inner messages take the wrapper's timestamp.
    const timestamp = m.magic === 1 && wrapper.timestampType === 'append' ? wrapper.timestamp : m.timestamp;
    return {message: m, offset, timestamp};
  });
}

/** The inner entries of a decompressed wrapper value: offset and position (DataLogInputStream). */
function splitInner(data: Buffer, wrapper: LegacyMessage): {offset: bigint; pos: number}[] {
  const inner: {offset: bigint; pos: number}[] = [];
  for (let pos = 0; pos < data.length;) {
    const remaining = data.length - pos;
    if (remaining < LOG_OVERHEAD) throw corrupt(`compressed message set (magic ${wrapper.magic}) ends with ${remaining} stray bytes`);
    const size = data.readInt32BE(pos + 8);
    if (size < RECORD_OVERHEAD_V0) throw corrupt(`Record size is less than the minimum record overhead (${RECORD_OVERHEAD_V0})`);
    if (size + LOG_OVERHEAD > remaining) {
      throw corrupt(`compressed message set is truncated: the inner message at byte ${pos} declares ${size + LOG_OVERHEAD} bytes, ${remaining} present`);
    }
    inner.push({offset: data.readBigInt64BE(pos), pos});
    pos += size + LOG_OVERHEAD;
  }
  return inner;
}

/**
 * LogValidator.validateRecord for one legacy message of the right magic: Kafka's record error, or
 * null. `outer` is the "batch": the wrapper, or the message itself when uncompressed.
 */
function checkRecord(outer: LegacyMessage, m: LegacyMessage, offset: bigint, timestamp: bigint, now: number,
  options: LegacyConvertOptions): {text: string; code: number} | null {
  const checks = options.checks;
  if (checks?.requireKeys === true && m.key === null) {
    return {text: `Compacted topic cannot accept message without key in topic partition ${options.where}`, code: INVALID_RECORD};
  }
  if (checks !== null && (checks.beforeMaxMs !== null || checks.afterMaxMs !== null)) {
    const failure = timestampOutOfBounds(timestamp, now, checks.beforeMaxMs, checks.afterMaxMs, offset);
    if (failure !== null) return {text: failure, code: INVALID_TIMESTAMP};
  }
  if (outer.timestampType === 'append') {
    return {
      text: `Invalid timestamp type in message ${describe(m, offset, timestamp, outer.timestampType)}. Producer should not set timestamp type to LogAppendTime.`,
      code: INVALID_TIMESTAMP,
    };
  }
  return null;
}

/** Kafka's LegacyRecordBatch toString, as its messages name a record. */
function describe(m: LegacyMessage, offset: bigint, timestamp: bigint, timestampType: LegacyMessage['timestampType']): string {
  const type = timestampType === 'append' ? 'LogAppendTime' : timestampType === 'create' ? 'CreateTime' : 'NoTimestampType';
  const time = m.magic > 0 ? `, ${type}=${timestamp}` : '';
  return `LegacyRecordBatch(offset=${offset}, Record(magic=${m.magic}, attributes=${m.attributes}, compression=${compressionName(m.compression)}, `
    + `crc=${m.crc}${time}, key=${m.key?.length ?? 0} bytes, value=${m.value?.length ?? 0} bytes))`;
}

function parse(buf: Buffer, pos: number): LegacyMessage {
  try {
    return readLegacyMessage(buf, pos);
  } catch (err) {
    if (err instanceof CorruptRecordError) throw corrupt(err.message);
    throw err;
  }
}

function computedCrc(buf: Buffer, pos: number, m: LegacyMessage): number {
  return crc32(buf.subarray(pos + OFFSET_MAGIC, pos + m.size)) >>> 0;
}

function corrupt(message: string): RecordValidationError {
  return new RecordValidationError(CORRUPT_MESSAGE, message);
}

function tooLarge(size: number, options: LegacyConvertOptions): RecordValidationError {
  return new RecordValidationError(MESSAGE_TOO_LARGE, `The record batch size in the append to ${options.where} is ${size} bytes `
    + `which exceeds the maximum configured value of ${options.maxMessageBytes}.`);
}
