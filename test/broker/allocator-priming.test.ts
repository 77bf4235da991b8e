import {execFile} from 'node:child_process';
import path from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {primeAllocator, PRIMING_BYTES} from '../../src/broker/allocator-priming.js';

const run = promisify(execFile);
const CHILD = path.join(import.meta.dirname, 'allocator-priming-child.ts');
const glibc = Boolean((process.report.getReport() as {header?: {glibcVersionRuntime?: string}}).header?.glibcVersionRuntime);

async function faultsPerRound(mode: 'plain' | 'primed'): Promise<number[]> {
  const {stdout} = await run(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, mode]);
  return JSON.parse(stdout) as number[];
}

describe('primeAllocator', () => {
  it('frees one chunk that glibc counts for its dynamic mmap threshold (above 128 KiB, at most 32 MiB)', () => {
    expect(PRIMING_BYTES).toBeGreaterThan(128 * 1024);
    expect(PRIMING_BYTES).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(PRIMING_BYTES).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  });

  it('runs once per process', async () => {
    const first = primeAllocator();
    expect(primeAllocator()).toBe(first);
    await expect(first).resolves.toBeUndefined();
  });

  // Counted in page faults, not timed: 24 MiB of native buffers freed and allocated again.
  it.runIf(glibc)('lets freed native memory be reused instead of page-faulted in again (glibc)', async () => {
    const [plain, primed] = await Promise.all([faultsPerRound('plain'), faultsPerRound('primed')]);
    const later = (rounds: number[]) => rounds.slice(2).reduce((a, b) => a + b, 0);
    // 24 MiB is 6,144 pages: without priming every round faults them in again.
    expect(later(plain)).toBeGreaterThan(4 * 5000);
    expect(later(primed)).toBeLessThan(later(plain) / 20);
  });
});
