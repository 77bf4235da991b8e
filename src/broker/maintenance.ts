/**
 * Periodic background work (retention, compaction, checkpoints) on timers that never overlap
 * a still-running run of the same task and that do not keep the process alive.
 */
export interface PeriodicTask {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

export class Maintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly log: (line: string) => void) {}

  schedule(task: PeriodicTask): void {
    if (!(task.intervalMs > 0) || !Number.isFinite(task.intervalMs)) return;
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      const run = task.run()
        .catch((err: unknown) => this.log(`${task.name} failed: ${(err as Error).message}`))
        .finally(() => {
          busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    }, Math.min(task.intervalMs, 0x7fffffff));
    timer.unref();
    this.timers.push(timer);
  }

  /** Stop the timers and wait for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([...this.running]);
  }
}
