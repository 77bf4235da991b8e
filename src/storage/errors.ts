/** Storage errors. Each carries the Kafka error code a broker handler should answer with. */
import {KstreamError} from '../output/errors.js';
import {ErrorCode} from '../protocol/error-codes.js';

export class StorageError extends KstreamError {
  readonly errorCode: number;

  constructor(message: string, errorCode: number = ErrorCode.KAFKA_STORAGE_ERROR, cause?: unknown) {
    super(message, {cause});
    this.name = 'StorageError';
    this.errorCode = errorCode;
  }
}

/** A fetch or DeleteRecords offset outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends StorageError {
  readonly offset: bigint;
  readonly logStartOffset: bigint;
  readonly logEndOffset: bigint;

  constructor(topicPartition: string, offset: bigint, logStartOffset: bigint, logEndOffset: bigint) {
    super(`offset ${offset} is out of range for ${topicPartition}: valid offsets are ${logStartOffset} to ${logEndOffset}`, ErrorCode.OFFSET_OUT_OF_RANGE);
    this.name = 'OffsetOutOfRangeError';
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }
}

/** An append larger than segment.bytes can never fit in a segment. */
export class RecordBatchTooLargeError extends StorageError {
  constructor(message: string) {
    super(message, ErrorCode.RECORD_LIST_TOO_LARGE);
    this.name = 'RecordBatchTooLargeError';
  }
}

/**
 * A malformed batch: handed to append (the broker validates first, so there a bug guard), or an
 * entry in a segment file that a lookup finds cannot be a batch (corrupted on disk).
 */
export class CorruptBatchError extends StorageError {
  constructor(message: string) {
    super(message, ErrorCode.CORRUPT_MESSAGE);
    this.name = 'CorruptBatchError';
  }
}

/**
 * Records already in a segment that cannot be read back (corrupted on disk, or written by a build
 * that did not check them one by one). Carries the code Kafka's read path answers with:
 * INVALID_RECORD for a record that does not parse, UNKNOWN_SERVER_ERROR for data that does not
 * decompress.
 */
export class UnreadableRecordsError extends StorageError {
  constructor(message: string, errorCode: number, cause?: unknown) {
    super(message, errorCode, cause);
    this.name = 'UnreadableRecordsError';
  }
}
