/**
 * Creates partition logs in the background, a few at a time, once their topic is durable: as in
 * Kafka, where CreateTopics is answered when the controller has committed the topic and each
 * broker creates the partition directories when it applies that metadata. A request that needs a
 * log moves its partition to the front of the queue. Every job ends (created, failed or
 * cancelled) by resolving its waiters; a failure is reported through `onError` and leaves the
 * partition without a log.
 */

interface Job {
  readonly topic: string;
  readonly partition: number;
  state: 'queued' | 'running' | 'ended';
  /** Moved to the front because a request waits for it. */
  urgent: boolean;
  readonly done: Promise<void>;
  end(): void;
}

/** First in, first out; taking is O(1) (the array is dropped once drained). */
class JobQueue {
  private items: Job[] = [];
  private head = 0;

  push(job: Job): void {
    this.items.push(job);
  }

  /** The next job still queued (jobs started or cancelled meanwhile are skipped). */
  take(): Job | undefined {
    while (this.head < this.items.length) {
      const job = this.items[this.head++]!;
      if (job.state === 'queued') return job;
    }
    this.items = [];
    this.head = 0;
    return undefined;
  }
}

export class PartitionCreator {
  /** Jobs not yet ended, by topic and partition. */
  private readonly jobs = new Map<string, Map<number, Job>>();
  /** Jobs not yet ended (0 lets lookups stop at once). */
  private count = 0;
  private readonly queue = new JobQueue();
  /** Jobs a request is waiting for: taken before the others. */
  private readonly urgent = new JobQueue();
  private running = 0;
  private closed = false;

  constructor(
    private readonly create: (topic: string, partition: number) => Promise<void>,
    private readonly concurrency: number,
    private readonly onError: (topic: string, partition: number, err: unknown) => void,
  ) {}

  /** Queue the creation of these partitions of `topic` (ignoring ones already queued). */
  schedule(topic: string, partitions: Iterable<number>, options: {urgent?: boolean} = {}): void {
    if (this.closed) return;
    let byPartition = this.jobs.get(topic);
    if (!byPartition) this.jobs.set(topic, (byPartition = new Map()));
    for (const partition of partitions) {
      if (byPartition.has(partition)) continue;
      let end!: () => void;
      const done = new Promise<void>((resolve) => (end = resolve));
      const job: Job = {topic, partition, state: 'queued', urgent: options.urgent === true, done, end};
      byPartition.set(partition, job);
      this.count++;
      (job.urgent ? this.urgent : this.queue).push(job);
    }
    if (byPartition.size === 0) this.jobs.delete(topic);
    this.pump();
  }

  /** Whether the partition is queued or being created. */
  isPending(topic: string, partition: number): boolean {
    return this.count > 0 && this.jobs.get(topic)?.has(partition) === true;
  }

  /**
   * Resolves once the partition's job has ended, moving it to the front if it has not started;
   * undefined when there is no such job (nothing to wait for).
   */
  whenCreated(topic: string, partition: number): Promise<void> | undefined {
    if (this.count === 0) return undefined;
    const job = this.jobs.get(topic)?.get(partition);
    if (!job) return undefined;
    if (job.state === 'queued' && !job.urgent) {
      job.urgent = true;
      this.urgent.push(job);
      this.pump();
    }
    return job.done;
  }

  /** Resolves once every job of `topic` (of every topic when omitted) scheduled so far has ended. */
  settled(topic?: string): Promise<void> {
    const groups = topic === undefined ? [...this.jobs.values()] : [this.jobs.get(topic) ?? new Map<number, Job>()];
    return Promise.all(groups.flatMap((g) => [...g.values()].map((j) => j.done))).then(() => undefined);
  }

  /** Drop the queued jobs of `topic` (their waiters are released) and wait for its running ones. */
  cancel(topic: string): Promise<void> {
    const byPartition = this.jobs.get(topic);
    if (!byPartition) return Promise.resolve();
    const running: Promise<void>[] = [];
    for (const job of byPartition.values()) {
      if (job.state === 'queued') this.finish(job);
      else running.push(job.done);
    }
    return Promise.all(running).then(() => undefined);
  }

  /** Start nothing more, drop every queued job and wait for the running ones. */
  close(): Promise<void> {
    this.closed = true;
    const running: Promise<void>[] = [];
    for (const byPartition of [...this.jobs.values()]) {
      for (const job of byPartition.values()) {
        if (job.state === 'queued') this.finish(job);
        else running.push(job.done);
      }
    }
    return Promise.all(running).then(() => undefined);
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency) {
      const job = this.urgent.take() ?? this.queue.take();
      if (!job) return;
      job.state = 'running';
      this.running++;
      void this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    try {
      await this.create(job.topic, job.partition);
    } catch (err) {
      try {
        this.onError(job.topic, job.partition, err);
      } catch {
        // A failing logger must not stop the queue.
      }
    }
    this.running--;
    this.finish(job);
    this.pump();
  }

  private finish(job: Job): void {
    if (job.state === 'ended') return;
    job.state = 'ended';
    const byPartition = this.jobs.get(job.topic);
    if (byPartition?.get(job.partition) === job) {
      byPartition.delete(job.partition);
      if (byPartition.size === 0) this.jobs.delete(job.topic);
    }
    this.count--;
    job.end();
  }
}
