/** Errors raised while reading or validating record data. */
import {KstreamError} from '../output/errors.js';
import {ErrorCode} from '../protocol/error-codes.js';

/** The Kafka error codes record validation answers with (taken from the one error-code table). */
export const RecordErrorCode = {
  CORRUPT_MESSAGE: ErrorCode.CORRUPT_MESSAGE,
  MESSAGE_TOO_LARGE: ErrorCode.MESSAGE_TOO_LARGE,
  INVALID_TIMESTAMP: ErrorCode.INVALID_TIMESTAMP,
  UNSUPPORTED_COMPRESSION_TYPE: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  INVALID_RECORD: ErrorCode.INVALID_RECORD,
  /** What Kafka answers when a compressed batch cannot be decompressed ("Failed to decompress record stream"). */
  UNKNOWN_SERVER_ERROR: ErrorCode.UNKNOWN_SERVER_ERROR,
} as const;

/** One rejected record of a produced batch, as the Produce response (v8+, KIP-467) carries it. */
export interface RecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

/** Bytes that are not a well-formed record batch / message set (bad CRC, length, varint...). */
export class CorruptRecordError extends KstreamError {
  constructor(message: string, options: {cause?: unknown} = {}) {
    super(message, options);
    this.name = 'CorruptRecordError';
  }
}

/** A produced batch Kafka would refuse; `errorCode` is the code to put in the Produce response. */
export class RecordValidationError extends KstreamError {
  readonly errorCode: number;
  /** The records that failed Kafka's per-record checks (key, timestamp); empty for batch-level errors. */
  readonly recordErrors: readonly RecordError[];

  constructor(errorCode: number, message: string, recordErrors: readonly RecordError[] = []) {
    super(message);
    this.name = 'RecordValidationError';
    this.errorCode = errorCode;
    this.recordErrors = recordErrors;
  }
}
