import {describe, expect, it} from 'vitest';
import {catchUpOf, ratePerSec} from '../../../src/ops/lag/evaluate.js';
import {LagMonitor, sampleLag} from '../../../src/ops/lag/monitor.js';
import {lagTable} from '../../../src/ops/lag/table.js';
import {toJson} from '../../../src/output/render.js';
import {ManualClock, ScriptedFetcher} from './fake-fetcher.js';

describe('rates and catch-up', () => {
  it('ratePerSec needs two samples and time between them', () => {
    expect(ratePerSec([{atMs: 0, offset: 0n}])).toBeNull();
    expect(ratePerSec([{atMs: 0, offset: 0n}, {atMs: 0, offset: 5n}])).toBeNull();
    expect(ratePerSec([{atMs: 0, offset: 0n}, {atMs: 2000, offset: 50n}])).toBe(25);
  });
  it('catchUpOf', () => {
    expect(catchUpOf(0n, null, null)).toEqual({kind: 'caught-up'});
    expect(catchUpOf(100n, null, 5)).toEqual({kind: 'no-data'});
    expect(catchUpOf(100n, 5, 5)).toEqual({kind: 'never'});
    expect(catchUpOf(100n, 30, 10)).toEqual({kind: 'eta', ms: 5000});
  });
});

describe('LagMonitor over a scripted cluster', () => {
  // Producers add 100 records/s to orders:0; "fast" keeps up, "slow" does 50/s, "stopped" has no members.
  const script = [0, 1, 2].map((i) => ({
    groups: [
      {groupId: 'fast', committed: {'orders:0': 1000 + 100 * i}},
      {groupId: 'slow', committed: {'orders:0': 500 + 50 * i}},
      {groupId: 'stopped', owned: false, committed: {'orders:0': 200}},
    ],
    ends: {'orders:0': 1000 + 100 * i},
    oldest: i === 2 ? {'stopped|orders:0': {timestampMs: 1_000, precision: 'record' as const}} : {},
  }));

  async function run() {
    const clock = new ManualClock(10_000);
    const monitor = new LagMonitor(new ScriptedFetcher(script), clock);
    return sampleLag(monitor, 3, 1000, async (ms) => {
      clock.ms += ms;
    });
  }

  it('gives records, rates, time lag, catch-up and status per group', async () => {
    const report = await run();
    expect(report.samples).toBe(3);
    expect(report.windowMs).toBe(2000);
    const [stopped, slow, fast] = report.groups; // sorted by lag, largest first
    expect(stopped.group).toBe('stopped');
    expect(stopped.totalLag).toBe(1000n);
    expect(stopped.status).toBe('ERR');
    expect(stopped.partitions[0].status).toBe('STOP');
    expect(stopped.maxTimeLag).toEqual({kind: 'measured', lagMs: 11_000, precision: 'record'});
    expect(stopped.consumeRate).toBe(0);
    expect(stopped.catchUp).toEqual({kind: 'never'});

    expect(slow.totalLag).toBe(600n);
    expect(slow.status).toBe('WARN');
    expect(slow.consumeRate).toBe(50);
    expect(slow.produceRate).toBe(100);
    expect(slow.trend).toEqual([500, 550, 600]);
    // No record read for "slow": estimated from the log end table. Offset 600 was appended
    // when the log end passed 601, which extrapolates to 10000 - (1000-601)/0.1 ms = 6010.
    expect(slow.maxTimeLag).toEqual({kind: 'estimated', lagMs: 5990});

    expect(fast.totalLag).toBe(0n);
    expect(fast.status).toBe('OK');
    expect(fast.maxTimeLag).toEqual({kind: 'caught-up', lagMs: 0});
    expect(fast.catchUp).toEqual({kind: 'caught-up'});
  });

  it('JSON and table show the same numbers, no NaN', async () => {
    const report = await run();
    const json = JSON.parse(toJson(report));
    expect(json.groups.map((g: any) => [g.group, g.totalLag, g.status])).toEqual([['stopped', 1000, 'ERR'], ['slow', 600, 'WARN'], ['fast', 0, 'OK']]);
    expect(toJson(report)).not.toContain('NaN');
    const table = lagTable(report);
    expect(table).toMatch(/stopped\s+Empty\s+0\s+ERR\s+1000\s+11\.0s\s+0\.0\/s\s+100\/s\s+never/);
    expect(table).toMatch(/slow\s+Stable\s+1\s+WARN\s+600\s+~6\.0s\s+50\.0\/s\s+100\/s\s+never/);
    expect(table).toContain('3 samples over 2.0s');
  });

  it('a rewind shows as REWIND and does not make the consume rate negative', async () => {
    const clock = new ManualClock(0);
    const monitor = new LagMonitor(new ScriptedFetcher([
      {groups: [{groupId: 'g', owned: false, committed: {'t:0': 900}}], ends: {'t:0': 1000}},
      {groups: [{groupId: 'g', owned: false, committed: {'t:0': 0}}], ends: {'t:0': 1000}},
    ]), clock);
    await monitor.sample();
    clock.ms = 1000;
    const report = await monitor.sample();
    expect(report.groups[0].partitions[0].status).toBe('REWIND');
    expect(report.groups[0].status).toBe('ERR');
    expect(report.groups[0].partitions[0].consumeRate).toBeNull();
  });
});
