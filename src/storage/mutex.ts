/** Runs async sections one at a time, in call order (appends must assign offsets in order). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** No section is running or waiting: synchronous work cannot interleave with one. */
  get idle(): boolean {
    return this.pending === 0;
  }

  run<T>(section: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(section, section).finally(() => this.pending--);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
