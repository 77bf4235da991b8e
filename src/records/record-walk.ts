/**
 * A walk over the records of a produced batch that decodes nothing: each record's fields are read
 * in place (as Kafka's DefaultRecord.readPartiallyFrom does for compressed batches), so checking a
 * batch costs no object or Buffer per record. It checks what Kafka's LogValidator checks per record:
 * - structure: the declared count of records fills the data exactly and every record's fields fill
 *   its declared size (INVALID_RECORD, Kafka's record iterator messages);
 * - cleanup.policy=compact: every record has a key; CreateTime topics: every timestamp (other than
 *   -1) lies within [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms].
 *   Failures are collected for all records and thrown together with KIP-467 record errors:
 *   INVALID_TIMESTAMP if any timestamp failed, otherwise INVALID_RECORD (processRecordErrors).
 */
import {OFFSET_BASE_TIMESTAMP} from './batch-header.js';
import {CorruptRecordError, type RecordError, RecordErrorCode, RecordValidationError} from './errors.js';
import {Cursor} from './varint.js';

/** Kafka's Long.MAX_VALUE: a timestamp bound that never applies. */
const LONG_MAX = (1n << 63n) - 1n;
/** Below this magnitude a timestamp's distance from now is exact in a double. */
const SAFE_TIMESTAMP = 2 ** 52;
const NO_TIMESTAMP = -1;

/** The per-record checks a topic's configs ask for. */
export interface RecordChecks {
  /** cleanup.policy contains compact: records without a key are refused. */
  requireKeys: boolean;
  /**
   * CreateTime topics: how far behind/ahead of the broker's clock a timestamp may be; null where the
   * bound is Long.MAX_VALUE (no timestamp can be that far off) or the topic uses LogAppendTime.
   */
  beforeMaxMs: bigint | null;
  afterMaxMs: bigint | null;
}

/**
 * Walk `count` records in data[pos, end). `batch` is the batch (its header holds the base timestamp);
 * `where` ("topic-partition") goes into the record errors' messages, as Kafka's do. Returns whether
 * the records' offset deltas are 0, 1, ... in order (for a compressed batch, Kafka rewrites one whose
 * are not).
 */
export function walkRecords(data: Buffer, pos: number, end: number, count: number, batch: Buffer,
  checks: RecordChecks | null, where: string): boolean {
  const requireKeys = checks?.requireKeys === true;
  const before = checks?.beforeMaxMs ?? null;
  const after = checks?.afterMaxMs ?? null;
  const bounded = before !== null || after !== null;
  // Read once per batch, and only for a bounded topic.
  const now = bounded ? Date.now() : 0;
  const beforeMs = before === null ? Infinity : Number(before);
  const afterMs = after === null ? Infinity : Number(after);
  // The base timestamp as 32-bit halves: no BigInt unless a timestamp is absurd (beyond 2^52 ms).
  const baseHi = bounded ? batch.readInt32BE(OFFSET_BASE_TIMESTAMP) : 0;
  const baseLo = bounded ? batch.readUInt32BE(OFFSET_BASE_TIMESTAMP + 4) : 0;
  let errors: RecordError[] | undefined;
  let timestampFailed = false;
  let inOrder = true;
  const cur = new Cursor(data, pos, end);
  for (let i = 0; i < count; i++) {
    if (cur.pos >= end) throw invalid('Incorrect declared batch size, premature EOF reached');
    let keyLength: number;
    let timestampDelta: number | bigint;
    let offsetDelta: number;
    try {
      const size = cur.readVarint();
      const bodyStart = cur.pos;
      if (size < 0 || size > end - bodyStart) {
        throw invalid(`Invalid record size: expected ${size} bytes in record payload, but instead the buffer has only ${end - bodyStart} remaining bytes.`);
      }
      // Bound the reads to this record so a bad inner length cannot read into the next one.
      cur.end = bodyStart + size;
      cur.skip(1); // attributes: unused in v2
      timestampDelta = cur.readVarlong();
      offsetDelta = cur.readVarint();
      if (offsetDelta !== i) inOrder = false;
      keyLength = cur.readVarint();
      if (keyLength > 0) cur.skip(keyLength);
      const valueLength = cur.readVarint();
      if (valueLength > 0) cur.skip(valueLength);
      const headers = cur.readVarint();
      if (headers < 0) throw invalid(`Found invalid number of record headers ${headers}`);
      for (let h = 0; h < headers; h++) {
        const headerKeyLength = cur.readVarint();
        if (headerKeyLength < 0) throw invalid(`Invalid negative header key size ${headerKeyLength}`);
        cur.skip(headerKeyLength);
        const headerValueLength = cur.readVarint();
        if (headerValueLength > 0) cur.skip(headerValueLength);
      }
      if (cur.pos !== cur.end) {
        throw invalid(`Invalid record size: expected to read ${size} bytes in record payload, but instead read ${cur.pos - bodyStart}`);
      }
      cur.end = end;
    } catch (err) {
      if (!(err instanceof CorruptRecordError)) throw err;
      throw invalid(`Found invalid record structure: ${err.message}`);
    }
    // LogValidator.validateRecord: the key first; the timestamp only for a record with a key.
    if (requireKeys && keyLength < 0) {
      (errors ??= []).push({batchIndex: i, batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${where}`});
    } else if (bounded) {
      const failure = timestampFailure(baseHi, baseLo, timestampDelta, now, beforeMs, afterMs, before, after, offsetDelta);
      if (failure !== null) {
        (errors ??= []).push({batchIndex: i, batchIndexErrorMessage: failure});
        timestampFailed = true;
      }
    }
  }
  if (cur.pos < end) throw invalid('Incorrect declared batch size, records still remaining in file');
  if (errors !== undefined) throw recordErrors(errors, timestampFailed);
  return inOrder;
}

/**
 * Kafka's message when the record's timestamp (base + delta, as Java longs) is out of bounds,
 * otherwise null. Real timestamps take the double path; absurd ones are computed in 64-bit.
 */
function timestampFailure(baseHi: number, baseLo: number, delta: number | bigint, now: number, beforeMs: number, afterMs: number,
  before: bigint | null, after: bigint | null, offset: number): string | null {
  if (typeof delta === 'number' && Math.abs(baseHi) < 2 ** 20) {
    const ts = baseHi * 2 ** 32 + baseLo + delta;
    if (Math.abs(ts) <= SAFE_TIMESTAMP) {
      if (ts === NO_TIMESTAMP) return null;
      const diff = now - ts;
      if (!(diff > beforeMs || -diff > afterMs)) return null;
      return timestampMessage(BigInt(ts), now, before, after, offset);
    }
  }
  return timestampOutOfBounds(BigInt.asIntN(64, (BigInt(baseHi) << 32n) + BigInt(baseLo) + BigInt(delta)), now, before, after, offset);
}

/**
 * The bounds check for a timestamp known as a 64-bit value (also legacy messages, legacy-convert.ts):
 * Kafka's message when `ts` (not -1) lies outside [now - before, now + after], otherwise null.
 */
export function timestampOutOfBounds(ts: bigint, now: number, before: bigint | null, after: bigint | null, offset: number | bigint): string | null {
  if (ts === BigInt(NO_TIMESTAMP)) return null;
  // Java's long arithmetic, overflow included: LogValidator.recordHasInvalidTimestamp.
  const diff = BigInt.asIntN(64, BigInt(now) - ts);
  if (!(diff > (before ?? LONG_MAX) || BigInt.asIntN(64, -diff) > (after ?? LONG_MAX))) return null;
  return timestampMessage(ts, now, before, after, offset);
}

function timestampMessage(ts: bigint, now: number, before: bigint | null, after: bigint | null, offset: number | bigint): string {
  const low = BigInt.asIntN(64, BigInt(now) - (before ?? LONG_MAX));
  const high = BigInt.asIntN(64, BigInt(now) + (after ?? LONG_MAX));
  return `Timestamp ${ts} of message with offset ${offset} is out of range. The timestamp should be within [${low}, ${high}]`;
}

/** LogValidator.processRecordErrors: one error for the batch, naming the records. */
export function recordErrors(errors: RecordError[], timestampFailed: boolean): RecordValidationError {
  if (timestampFailed) {
    return new RecordValidationError(RecordErrorCode.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp', errors);
  }
  const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`);
  return new RecordValidationError(RecordErrorCode.INVALID_RECORD, `One or more records have been rejected due to ${errors.length} record errors `
    + `in total, and only showing the first three errors at most: [${shown.join(', ')}]`, errors);
}

function invalid(message: string): RecordValidationError {
  return new RecordValidationError(RecordErrorCode.INVALID_RECORD, message);
}
