/**
 * The sampling loop's state: a fetcher, a window and a clock. `sample()` takes one refresh into
 * the window and returns the evaluated report; the snapshot command calls it a few times, the
 * dashboard's hook once per interval. No rendering here, so table, JSON and dashboard agree.
 */
import {evaluate} from './evaluate.js';
import type {LagFetcher} from './fetch.js';
import type {Clock, LagReport} from './types.js';
import {DEFAULT_WINDOW, LagWindow, WindowOptions} from './window.js';

export class LagMonitor {
  readonly window: LagWindow;
  /** Requests per broker of the last refresh. */
  lastRequests = new Map<number, number>();

  constructor(private readonly fetcher: LagFetcher, readonly clock: Clock, options: WindowOptions = DEFAULT_WINDOW) {
    this.window = new LagWindow(options);
  }

  async sample(): Promise<LagReport> {
    const snapshot = await this.fetcher.fetch(this.clock.nowMs());
    this.lastRequests = snapshot.requests;
    this.window.add(snapshot);
    return evaluate(this.window, this.clock.nowMs());
  }

  close(): Promise<void> {
    return this.fetcher.close();
  }
}

/** `samples` refreshes `intervalMs` apart (the wait is injectable for tests); the last report. */
export async function sampleLag(monitor: LagMonitor, samples: number, intervalMs: number, wait: (ms: number) => Promise<void>): Promise<LagReport> {
  let report = await monitor.sample();
  for (let i = 1; i < samples; i++) {
    await wait(intervalMs);
    report = await monitor.sample();
  }
  return report;
}
