/**
 * Periodic background work (retention, compaction, checkpoints) on timers that never overlap
 * a still-running run of the same task and that do not keep the process alive.
 */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

/** A scheduled task whose interval can change (a dynamic config such as log.cleaner.backoff.ms). */
export interface ScheduledTask {
  reschedule(intervalMs: number): void;
}

export class Maintenance {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly log: (line: string) => void) {}

  schedule(task: PeriodicTask): ScheduledTask {
    let busy = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      if (busy || this.stopped) return;
      busy = true;
      const run = task.run()
        .catch((err: unknown) => this.log(`${task.name} failed: ${(err as Error).message}`))
        .finally(() => {
          busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    };
    const start = (intervalMs: number) => {
      if (timer) {
        clearInterval(timer);
        this.timers.delete(timer);
        timer = undefined;
      }
      if (this.stopped || !(intervalMs > 0) || !Number.isFinite(intervalMs)) return;
      timer = setInterval(tick, Math.min(intervalMs, 0x7fffffff));
      timer.unref();
      this.timers.add(timer);
    };
    start(task.intervalMs);
    // A run in progress finishes; the next one comes a new interval after the change.
    return {reschedule: start};
  }

  /** Stop the timers and wait for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([...this.running]);
  }
}
