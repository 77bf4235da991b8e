import {describe, expect, it} from 'vitest';
import {parseFrom, startOffset} from '../../../src/ops/consume/position.js';

describe('parseFrom', () => {
  it('reads every form of --from', () => {
    expect(parseFrom('beginning')).toEqual({kind: 'beginning'});
    expect(parseFrom('earliest')).toEqual({kind: 'beginning'});
    expect(parseFrom('end')).toEqual({kind: 'end'});
    expect(parseFrom('42')).toEqual({kind: 'offset', offset: 42n});
    expect(parseFrom('-10')).toEqual({kind: 'before-end', count: 10n});
    expect(parseFrom('@1714564800000')).toEqual({kind: 'timestamp', timestampMs: 1714564800000});
    expect(parseFrom('2024-05-01T12:00:00Z')).toEqual({kind: 'timestamp', timestampMs: Date.UTC(2024, 4, 1, 12)});
    expect(parseFrom('2024-05-01T14:00:00+02:00')).toEqual({kind: 'timestamp', timestampMs: Date.UTC(2024, 4, 1, 12)});
  });

  it('rejects anything else with the accepted forms in the message', () => {
    expect(() => parseFrom('yesterday')).toThrow(/invalid --from "yesterday"/);
    expect(() => parseFrom('2024-13-01T00:00:00')).toThrow(/invalid date-time/);
  });
});

describe('startOffset', () => {
  const bounds = {logStart: 10n, logEnd: 20n};
  it('clamps offsets into the log', () => {
    expect(startOffset({kind: 'offset', offset: 5n}, bounds)).toBe(10n);
    expect(startOffset({kind: 'offset', offset: 15n}, bounds)).toBe(15n);
    expect(startOffset({kind: 'offset', offset: 99n}, bounds)).toBe(20n);
    expect(startOffset({kind: 'before-end', count: 3n}, bounds)).toBe(17n);
    expect(startOffset({kind: 'before-end', count: 30n}, bounds)).toBe(10n);
    expect(startOffset({kind: 'beginning'}, bounds)).toBe(10n);
    expect(startOffset({kind: 'end'}, bounds)).toBe(20n);
  });

  it('starts at the end when no record is as new as the timestamp', () => {
    expect(startOffset({kind: 'timestamp', timestampMs: 1}, bounds, 12n)).toBe(12n);
    expect(startOffset({kind: 'timestamp', timestampMs: 1}, bounds, -1n)).toBe(20n);
  });
});
