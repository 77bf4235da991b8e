// Child of allocator-priming.test.ts (node --expose-gc --import tsx): prints the minor page faults
// of each round of 24 one-MiB native buffers, filled, then freed by two full collections (the
// second one finishes the first one's sweeping of their backing stores); argv[2] "primed" primes
// the allocator first.
import {primeAllocator} from '../../src/broker/allocator-priming.js';

const gc = (globalThis as {gc?: () => void}).gc!;
if (process.argv[2] === 'primed') await primeAllocator();
const faults = () => process.resourceUsage().minorPageFault;
const rounds: number[] = [];
for (let round = 0; round < 6; round++) {
  const before = faults();
  let buffers: Buffer[] = Array.from({length: 24}, () => Buffer.allocUnsafeSlow(1 << 20).fill(round));
  buffers = [];
  gc();
  gc();
  rounds.push(faults() - before + buffers.length);
}
process.stdout.write(`${JSON.stringify(rounds)}\n`);
