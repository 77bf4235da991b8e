import {describe, expect, it} from 'vitest';
import {parseDateTime, parseDuration} from '../../src/ops/time.js';

describe('parseDateTime', () => {
  it('reads Kafka reset-offsets date-times, UTC unless a zone is given', () => {
    expect(parseDateTime('2024-05-01T12:00:00.000')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseDateTime('2024-05-01T12:00:00.250Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
    expect(parseDateTime('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseDateTime('2024-05-01T12:00-0530')).toBe(Date.UTC(2024, 4, 1, 17, 30));
    expect(parseDateTime('1714564800000')).toBe(1714564800000);
  });

  it('rejects malformed and impossible dates with a clear message', () => {
    for (const bad of ['yesterday', '2024-05-01', '2024-13-01T00:00:00', '2024-02-31T00:00:00', '2024-05-01T25:00:00']) {
      expect(() => parseDateTime(bad), bad).toThrow(/invalid date-time/);
    }
  });
});

describe('parseDuration', () => {
  it('reads ISO-8601 durations', () => {
    expect(parseDuration('PT30M')).toBe(30 * 60_000);
    expect(parseDuration('P1DT12H')).toBe(36 * 3_600_000);
    expect(parseDuration('PT1.5S')).toBe(1500);
    expect(parseDuration('-PT1H')).toBe(-3_600_000);
  });

  it('rejects malformed durations', () => {
    for (const bad of ['30m', 'P', 'PT', 'P1H', 'PT1X']) expect(() => parseDuration(bad), bad).toThrow(/invalid duration/);
  });
});
