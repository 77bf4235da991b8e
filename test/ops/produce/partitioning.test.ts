import {describe, expect, it} from 'vitest';
import {PartitionChooser} from '../../../src/ops/produce/partitioning.js';

describe('PartitionChooser', () => {
  it('hashes keys like the Java client (murmur2, positive, modulo the partition count)', () => {
    const chooser = new PartitionChooser('t', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], undefined, () => 0);
    // Values from Kafka's own Utils.murmur2 test vectors: murmur2("21") = -973932308 and
    // murmur2("foobar") = -790332482; toPositive() & 0x7fffffff, then % 10.
    expect(chooser.choose(Buffer.from('21'))).toBe((-973932308 & 0x7fffffff) % 10);
    expect(chooser.choose(Buffer.from('foobar'))).toBe((-790332482 & 0x7fffffff) % 10);
    expect(chooser.choose(Buffer.from('21'))).toBe(chooser.choose(Buffer.from('21')));
  });

  it('keeps keyless records on one partition per batch and moves on with the next batch', () => {
    const chooser = new PartitionChooser('t', [0, 1, 2], undefined, () => 0.5);
    expect([chooser.choose(null), chooser.choose(null)]).toEqual([1, 1]);
    chooser.nextBatch();
    expect(chooser.choose(null)).toBe(2);
    chooser.nextBatch();
    expect(chooser.choose(null)).toBe(0);
  });

  it('sends everything to a fixed partition when asked', () => {
    const chooser = new PartitionChooser('t', [0, 1, 2], 2);
    expect([chooser.choose(null), chooser.choose(Buffer.from('21'))]).toEqual([2, 2]);
  });
});
