/**
 * Burrow's rules as numbered cases, in the spirit of Burrow's evaluator tests: each case is a
 * window of (time, offset, lag) samples, whether a live member owns the partition, and the
 * status it must get.
 */
import {describe, expect, it} from 'vitest';
import {groupStatus, keptUp, lagGrowing, offsetsRewound, offsetsStalled, OffsetSample, partitionStatus} from '../../../src/ops/lag/rules.js';
import type {PartitionStatus} from '../../../src/ops/lag/types.js';

// Samples 10 s apart (Burrow-like spacing), so two samples span STALL_MIN_MS.
const w = (...rows: Array<[number, number]>): OffsetSample[] => rows.map(([offset, lag], i) => ({atMs: i * 10_000, offset: BigInt(offset), lag: BigInt(lag)}));

const cases: Array<{n: number; why: string; samples: OffsetSample[]; owned: boolean; status: PartitionStatus}> = [
  {n: 1, why: 'empty window: nothing to judge', samples: [], owned: true, status: 'OK'},
  {n: 2, why: 'lag zero throughout', samples: w([10, 0], [20, 0], [30, 0]), owned: true, status: 'OK'},
  {n: 3, why: 'lag zero once in the window outweighs everything after it (rule 1)', samples: w([10, 0], [10, 5], [10, 9]), owned: true, status: 'OK'},
  {n: 4, why: 'offset moved back (rule 2), even with a live owner', samples: w([100, 5], [40, 70], [50, 65]), owned: true, status: 'REWIND'},
  {n: 5, why: 'rewind wins over stop: a reset group has no members', samples: w([100, 5], [0, 110]), owned: false, status: 'REWIND'},
  {n: 6, why: 'lag and nobody owns the partition (rule 3), from one sample', samples: w([10, 50]), owned: false, status: 'STOP'},
  {n: 7, why: 'lag, nobody owns it, offsets flat', samples: w([10, 50], [10, 60], [10, 70]), owned: false, status: 'STOP'},
  {n: 8, why: 'owned, lag, offset never moves (rule 4)', samples: w([10, 50], [10, 60], [10, 70]), owned: true, status: 'STALL'},
  {n: 9, why: 'owned, one sample with lag: cannot call it stalled', samples: w([10, 50]), owned: true, status: 'OK'},
  {n: 10, why: 'moving but lag grows every sample (rule 5)', samples: w([10, 50], [20, 60], [30, 75]), owned: true, status: 'WARN'},
  {n: 11, why: 'moving, lag flat: a poller sees keeping-up consumers like this', samples: w([10, 5], [20, 5], [30, 5]), owned: true, status: 'OK'},
  {n: 12, why: 'moving, lag went down once: catching up at some point', samples: w([10, 50], [20, 40], [30, 60]), owned: true, status: 'OK'},
  {n: 13, why: 'moving, lag flat then up: never decreased and grew overall', samples: w([10, 50], [20, 50], [30, 51]), owned: true, status: 'WARN'},
  {n: 14, why: 'never seen at zero, but reached the previous log end (10+5): keeping up (rule 1)', samples: w([10, 5], [15, 8], [23, 9]), owned: true, status: 'OK'},
  {n: 15, why: 'owned, flat offset over 1 s only: too short to call stalled; lag grows so WARN', samples: [{atMs: 0, offset: 10n, lag: 50n}, {atMs: 1000, offset: 10n, lag: 60n}], owned: true, status: 'WARN'},
];

describe('partitionStatus', () => {
  for (const c of cases) {
    it(`case ${c.n}: ${c.why} -> ${c.status}`, () => {
      expect(partitionStatus(c.samples, c.owned)).toBe(c.status);
    });
  }
});

describe('the rules one by one', () => {
  it('rule 1 keptUp', () => {
    expect(keptUp(w([1, 3], [2, 0]))).toBe(true);
    expect(keptUp(w([1, 3], [4, 1]))).toBe(true);
    expect(keptUp(w([1, 3], [3, 1]))).toBe(false);
  });
  it('rule 2 offsetsRewound compares neighbours only', () => {
    expect(offsetsRewound(w([5, 1], [6, 1], [5, 1]))).toBe(true);
    expect(offsetsRewound(w([5, 1], [5, 1], [6, 1]))).toBe(false);
  });
  it('rule 4 offsetsStalled needs two samples', () => {
    expect(offsetsStalled(w([5, 1]))).toBe(false);
    expect(offsetsStalled(w([5, 1], [5, 2]))).toBe(true);
    expect(offsetsStalled([{atMs: 0, offset: 5n, lag: 1n}, {atMs: 9_999, offset: 5n, lag: 1n}])).toBe(false);
  });
  it('rule 5 lagGrowing', () => {
    expect(lagGrowing(w([1, 1], [2, 2]))).toBe(true);
    expect(lagGrowing(w([1, 2], [2, 2]))).toBe(false);
    expect(lagGrowing(w([1, 3], [2, 2], [3, 4]))).toBe(false);
  });
});

describe('groupStatus', () => {
  it('is ERR for any STOP, STALL or REWIND, else WARN for any WARN, else OK', () => {
    expect(groupStatus([])).toBe('OK');
    expect(groupStatus(['OK', 'OK'])).toBe('OK');
    expect(groupStatus(['OK', 'WARN'])).toBe('WARN');
    for (const bad of ['STOP', 'STALL', 'REWIND'] as const) expect(groupStatus(['WARN', bad, 'OK'])).toBe('ERR');
  });
});
