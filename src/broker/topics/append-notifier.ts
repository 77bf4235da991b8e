/**
 * Wakes fetches waiting for data (long polling) when a partition changes: an append, a topic
 * deletion, a truncation. Waiters register per partition; no polling loop anywhere.
 */
export type PartitionKey = string;

export function partitionKey(topic: string, partition: number): PartitionKey {
  return `${topic}\u0000${partition}`;
}

export class AppendNotifier {
  private readonly waiters = new Map<PartitionKey, Set<() => void>>();

  /** Call `listener` on the next change of any of `keys`; returns the unsubscribe function. */
  subscribe(keys: Iterable<PartitionKey>, listener: () => void): () => void {
    const registered: PartitionKey[] = [];
    for (const key of keys) {
      let set = this.waiters.get(key);
      if (!set) {
        set = new Set();
        this.waiters.set(key, set);
      }
      set.add(listener);
      registered.push(key);
    }
    return () => {
      for (const key of registered) {
        const set = this.waiters.get(key);
        if (!set) continue;
        set.delete(listener);
        if (set.size === 0) this.waiters.delete(key);
      }
    };
  }

  notify(topic: string, partition: number): void {
    // Nobody waiting anywhere (the usual case): no key string per appended partition.
    if (this.waiters.size === 0) return;
    const set = this.waiters.get(partitionKey(topic, partition));
    if (!set) return;
    for (const listener of [...set]) listener();
  }

  /** Number of partitions somebody waits on (for tests and diagnostics). */
  get waitingPartitions(): number {
    return this.waiters.size;
  }
}
