import {describe, expect, it} from 'vitest';
import {appendTimeOf, estimatedTimeLag, timeLagOf} from '../../../src/ops/lag/time-lag.js';

const pts = (...rows: Array<[number, number]>) => rows.map(([atMs, offset]) => ({atMs, offset: BigInt(offset)}));

describe('appendTimeOf (the lookup table)', () => {
  const table = pts([1000, 100], [2000, 200], [3000, 300]);
  it('interpolates between the two points around the offset', () => {
    // Offset 149 exists once the log end passes 150: halfway between 1000 and 2000.
    expect(appendTimeOf(table, 149n)).toBe(1500);
    expect(appendTimeOf(table, 299n)).toBe(3000);
  });
  it('extrapolates older offsets from the overall slope (100 records/s)', () => {
    expect(appendTimeOf(table, 49n)).toBe(500);
  });
  it('cannot place an offset not yet appended', () => {
    expect(appendTimeOf(table, 300n)).toBeNull();
  });
  it('needs two points, and a slope to extrapolate', () => {
    expect(appendTimeOf(pts([1000, 100]), 10n)).toBeNull();
    expect(appendTimeOf(pts([1000, 100], [2000, 100]), 10n)).toBeNull();
  });
});

describe('timeLagOf', () => {
  const points = pts([1000, 100], [2000, 200]);
  it('no committed offset: no-data, never NaN', () => {
    expect(timeLagOf({committed: null, lag: null, points, nowMs: 5000})).toEqual({kind: 'no-data', reason: 'no committed offset'});
  });
  it('zero lag is caught-up', () => {
    expect(timeLagOf({committed: 200n, lag: 0n, points, nowMs: 5000})).toEqual({kind: 'caught-up', lagMs: 0});
  });
  it('a read record wins: measured, clamped at zero against clock skew', () => {
    expect(timeLagOf({committed: 150n, lag: 50n, oldest: {timestampMs: 1200, precision: 'record'}, points, nowMs: 5000})).toEqual({kind: 'measured', lagMs: 3800, precision: 'record'});
    expect(timeLagOf({committed: 150n, lag: 50n, oldest: {timestampMs: 9000, precision: 'batch'}, points, nowMs: 5000})).toEqual({kind: 'measured', lagMs: 0, precision: 'batch'});
  });
  it('otherwise estimated from the table', () => {
    expect(timeLagOf({committed: 149n, lag: 51n, points, nowMs: 5000})).toEqual({kind: 'estimated', lagMs: 3500});
  });
  it('a quiet topic gives no-data with a reason instead of NaN', () => {
    const t = estimatedTimeLag(pts([1000, 100], [2000, 100]), 50n, 5000);
    expect(t.kind).toBe('no-data');
    expect(JSON.stringify(t)).not.toContain('NaN');
  });
});
