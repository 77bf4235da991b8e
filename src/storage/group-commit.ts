/**
 * Group commit for one partition: appends that must be durable wait here; one round at a time
 * fsyncs everything written before the round began and releases every waiter it covers, so
 * appends arriving during an fsync share the next one instead of queueing one fsync each.
 */
export interface FlushWaiter {
  endOffset: bigint;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class GroupCommit {
  private waiters: FlushWaiter[] = [];
  private running = false;

  /**
   * `round` makes the log durable and returns the offset it made durable up to; `onFailure`
   * handles a failed round (it takes the waiters with `takeAll` and rejects them).
   */
  constructor(
    private readonly round: () => Promise<bigint>,
    private readonly onFailure: (cause: unknown) => Promise<void>,
  ) {}

  /** Resolves once everything below `endOffset` is durable. */
  wait(endOffset: bigint): Promise<void> {
    const promise = new Promise<void>((resolve, reject) => this.waiters.push({endOffset, resolve, reject}));
    if (!this.running) {
      this.running = true;
      void this.loop();
    }
    return promise;
  }

  takeAll(): FlushWaiter[] {
    return this.waiters.splice(0);
  }

  private async loop(): Promise<void> {
    while (this.waiters.length > 0) {
      try {
        const durable = await this.round();
        const done = this.waiters.filter((w) => w.endOffset <= durable);
        this.waiters = this.waiters.filter((w) => w.endOffset > durable);
        for (const w of done) w.resolve();
      } catch (err) {
        await this.onFailure(err).catch((e: unknown) => {
          for (const w of this.takeAll()) w.reject(e instanceof Error ? e : new Error(String(e)));
        });
      }
    }
    this.running = false;
  }
}
