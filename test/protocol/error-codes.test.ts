import {describe, expect, it} from 'vitest';
import {allErrors, ErrorCode, errorMessage, errorName, isRetriable} from '../../src/protocol/error-codes.js';

describe('error codes', () => {
  it("match Kafka's numbering", () => {
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.INVALID_RECORD).toBe(87);
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100);
    expect(ErrorCode.SHARE_SESSION_LIMIT_REACHED).toBe(133);
  });

  it('cover every code from -1 to 133 exactly once', () => {
    expect(allErrors().map((e) => e.code)).toEqual(Array.from({length: 135}, (_, i) => i - 1));
    expect(Object.keys(ErrorCode)).toHaveLength(135);
  });

  it('names, messages and retriability', () => {
    expect(errorName(3)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(errorName(4242)).toBe('UNKNOWN_ERROR_CODE(4242)');
    expect(errorMessage(0)).toBe('');
    expect(errorMessage(35)).toBe('The version of API is not supported.');
    expect(isRetriable(ErrorCode.NOT_COORDINATOR)).toBe(true);
    expect(isRetriable(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
    expect(isRetriable(ErrorCode.TOPIC_ALREADY_EXISTS)).toBe(false);
    expect(isRetriable(4242)).toBe(false);
  });
});
