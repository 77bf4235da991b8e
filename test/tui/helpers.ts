/** Driving the dashboard in tests: a lag source that samples only when the test allows it. */
import {LagMonitor} from '../../src/ops/lag/monitor.js';
import type {LagReport} from '../../src/ops/lag/types.js';
import type {LagSource} from '../../src/tui/use-lag-source.js';
import {ManualClock, ScriptedFetcher, ScriptedState} from '../ops/lag/fake-fetcher.js';

export class GatedSource implements LagSource {
  private waiting: Array<() => void> = [];
  private allowed = 0;
  samples = 0;
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly fetcher: ScriptedFetcher;
  private readonly monitor: LagMonitor;

  constructor(script: Array<ScriptedState | Error>) {
    this.fetcher = new ScriptedFetcher(script);
    this.monitor = new LagMonitor(this.fetcher, this.clock);
  }

  async sample(): Promise<LagReport> {
    if (this.allowed > 0) this.allowed--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.samples++;
    this.clock.ms += 2000;
    return this.monitor.sample();
  }

  /** Let the next sample (pending or future) through. */
  allow(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.allowed++;
  }
}

/** Wait until `check` holds for the latest frame (Ink renders asynchronously). */
export async function frameMatching(lastFrame: () => string | undefined, check: (frame: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`no frame with ${what}; last frame:\n${frame}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const KEYS = {down: '\u001B[B', up: '\u001B[A', enter: '\r', escape: '\u001B', pageDown: '\u001B[6~', pageUp: '\u001B[5~'};

/** Groups g000.. with lag = index, so sorting by lag reverses the names. */
export function manyGroups(n: number, partitions = 1): ScriptedState {
  const groups = [];
  const ends: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const committed: Record<string, number> = {};
    for (let p = 0; p < partitions; p++) {
      committed[`topic-${i}:${p}`] = 1000;
      ends[`topic-${i}:${p}`] = 1000 + i;
    }
    groups.push({groupId: `g${String(i).padStart(3, '0')}`, committed});
  }
  return {groups, ends};
}
