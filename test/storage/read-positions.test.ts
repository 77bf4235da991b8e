import {describe, expect, it} from 'vitest';
import {ReadPositions} from '../../src/storage/read-positions.js';

describe('ReadPositions', () => {
  it('remembers positions by offset, overwrites the oldest slot beyond its bound, and clears', () => {
    const p = new ReadPositions(2);
    p.set(10n, 100);
    p.set(20n, 200);
    p.set(10n, 150); // the same reader again: its slot is updated in place
    expect([p.get(10n), p.get(20n)]).toEqual([150, 200]);
    p.set(30n, 300); // overwrites the oldest slot, 10's
    expect([p.get(10n), p.get(20n), p.get(30n)]).toEqual([undefined, 200, 300]);
    p.set(40n, 400); // then 20's
    expect([p.get(20n), p.get(30n), p.get(40n)]).toEqual([undefined, 300, 400]);
    p.clear();
    expect(p.get(30n)).toBeUndefined();
    p.set(50n, 500);
    expect(p.get(50n)).toBe(500);
  });
});
