/**
 * Bounds how many async operations run at once. File-system operations that open a descriptor
 * for their own duration (atomic checkpoint writes, directory fsyncs) go through one shared
 * limiter, so a request touching thousands of partitions cannot exhaust `ulimit -n` (EMFILE).
 */
export class Limiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly max: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      // The slot passes straight to the next waiter, so `running` never exceeds `max`.
      if (next) next();
      else this.running--;
    }
  }
}

/** Run `work` over `items` with at most `limit` in flight; every item runs, the first error is thrown. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  if (errors.length > 0) throw errors[0];
}
