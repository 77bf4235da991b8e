/**
 * Findings Kafka collects while dumping and prints on stderr after all files, in its order:
 * offset index mismatches, time index errors (timestamp mismatches, out-of-order timestamps,
 * indexed offsets not found), then non-consecutive offsets.
 */
import type {DumpEvent} from './events.js';

export class DumpSummary {
  private readonly indexMismatches = new Map<string, Map<bigint, bigint>>();
  private readonly timestampMismatches = new Map<string, {indexTimestamp: bigint; logTimestamp: bigint}[]>();
  private readonly outOfOrder = new Map<string, {indexTimestamp: bigint; previousTimestamp: bigint}[]>();
  private readonly notFound = new Map<string, {indexOffset: bigint; logOffset: bigint}[]>();
  private readonly nonConsecutivePairs = new Map<string, Map<bigint, bigint>>();

  indexMismatch(file: string, indexOffset: bigint, logOffset: bigint): void {
    getOrCreate(this.indexMismatches, file, () => new Map()).set(indexOffset, logOffset);
  }

  timestampMismatch(file: string, indexTimestamp: bigint, logTimestamp: bigint): void {
    getOrCreate(this.timestampMismatches, file, () => []).push({indexTimestamp, logTimestamp});
  }

  outOfOrderTimestamp(file: string, indexTimestamp: bigint, previousTimestamp: bigint): void {
    getOrCreate(this.outOfOrder, file, () => []).push({indexTimestamp, previousTimestamp});
  }

  offsetNotFound(file: string, indexOffset: bigint, logOffset: bigint): void {
    getOrCreate(this.notFound, file, () => []).push({indexOffset, logOffset});
  }

  nonConsecutive(file: string, from: bigint, to: bigint): void {
    getOrCreate(this.nonConsecutivePairs, file, () => new Map()).set(from, to);
  }

  events(): DumpEvent[] {
    const out: DumpEvent[] = [];
    for (const [file, m] of this.indexMismatches) {
      // Kafka keeps these in a reverse-ordered TreeMap: highest index offset first.
      const mismatches = [...m].sort((a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
        .map(([indexOffset, logOffset]) => ({indexOffset, logOffset}));
      out.push({type: 'index-mismatches', file, mismatches});
    }
    for (const [file, mismatches] of this.timestampMismatches) out.push({type: 'time-index-mismatches', file, mismatches});
    for (const [file, entries] of this.outOfOrder) out.push({type: 'time-index-out-of-order', file, entries});
    for (const [file, entries] of this.notFound) out.push({type: 'time-index-offsets-not-found', file, entries});
    for (const [file, m] of this.nonConsecutivePairs) {
      const pairs = [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([from, to]) => ({from, to}));
      out.push({type: 'non-consecutive-offsets', file, pairs});
    }
    return out;
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = create();
    map.set(key, v);
  }
  return v;
}
