/** Maintenance timers: runs never overlap, and a task's interval can change (dynamic log.cleaner.backoff.ms). */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {Maintenance} from '../../src/broker/maintenance.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Maintenance', () => {
  it('runs a task every interval and on the new interval after reschedule', async () => {
    const maintenance = new Maintenance(() => undefined);
    let runs = 0;
    const task = maintenance.schedule({name: 't', intervalMs: 1000, run: async () => { runs++; }});
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(3);
    task.reschedule(100);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(13);
    await maintenance.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(13);
  });

  it('does not start a run while the previous one is still going, and logs failures', async () => {
    const lines: string[] = [];
    const maintenance = new Maintenance((line) => lines.push(line));
    let release!: () => void;
    let started = 0;
    maintenance.schedule({name: 'slow', intervalMs: 10, run: () => {
      started++;
      return new Promise<void>((resolve) => { release = resolve; });
    }});
    maintenance.schedule({name: 'bad', intervalMs: 10, run: async () => { throw new Error('boom'); }});
    await vi.advanceTimersByTimeAsync(50);
    expect(started).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toBe(2);
    expect(lines[0]).toBe('bad failed: boom');
    release();
    await maintenance.stop();
  });
});
