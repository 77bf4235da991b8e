import {describe, expect, it} from 'vitest';
import {ReadPositions} from '../../src/storage/read-positions.js';

describe('ReadPositions', () => {
  it('remembers positions by offset, drops the oldest beyond its bound, and clears', () => {
    const p = new ReadPositions(2);
    p.set(10n, 100);
    p.set(20n, 200);
    p.set(10n, 150); // refreshed: now the newest
    p.set(30n, 300); // evicts 20
    expect([p.get(10n), p.get(20n), p.get(30n)]).toEqual([150, undefined, 300]);
    p.clear();
    expect(p.get(10n)).toBeUndefined();
  });
});
