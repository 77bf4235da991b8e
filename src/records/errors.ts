/**
 * Errors raised while reading or validating record data.
 *
 * The numeric codes are Kafka's (org.apache.kafka.common.protocol.Errors). They are repeated here
 * only because src/protocol/error-codes.ts did not exist when this module was written; the values
 * are fixed by the Kafka protocol and cannot drift.
 */
import {KstreamError} from '../output/errors.js';

export const RecordErrorCode = {
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
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
