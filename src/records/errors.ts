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
} as const;

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

  constructor(errorCode: number, message: string) {
    super(message);
    this.name = 'RecordValidationError';
    this.errorCode = errorCode;
  }
}
