/**
 * Storage errors. Each carries the Kafka error code a broker handler should answer with.
 * Codes are Kafka's (Errors.java): OFFSET_OUT_OF_RANGE 1, CORRUPT_MESSAGE 2,
 * RECORD_LIST_TOO_LARGE 18, KAFKA_STORAGE_ERROR 56.
 */
import {KstreamError} from '../output/errors.js';

export class StorageError extends KstreamError {
  readonly errorCode: number;

  constructor(message: string, errorCode = 56, cause?: unknown) {
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
    super(`offset ${offset} is out of range for ${topicPartition}: valid offsets are ${logStartOffset} to ${logEndOffset}`, 1);
    this.name = 'OffsetOutOfRangeError';
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }
}

/** An append larger than segment.bytes can never fit in a segment. */
export class RecordBatchTooLargeError extends StorageError {
  constructor(message: string) {
    super(message, 18);
    this.name = 'RecordBatchTooLargeError';
  }
}

/** A malformed batch handed to append (the broker validates first, so this is a bug guard). */
export class CorruptBatchError extends StorageError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'CorruptBatchError';
  }
}
