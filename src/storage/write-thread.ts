/**
 * A second thread for the file writes of a Produce to many partitions. Each partition's append is
 * one small pwrite to its own file, and on this kind of request the kernel's work per pwrite
 * (~5 µs on ext4) is most of the broker's time; two threads make them in about half the time.
 *
 * The event-loop thread and the write thread take writes from one shared counter until none are
 * left; the event-loop thread then waits only for a write the other is still making (a few µs),
 * so the caller sees one synchronous call, as with writeSync. A job can be handed over write by
 * write while the caller still prepares the next ones (open, add, close): the thread starts on
 * the first while the event loop works on the rest. A job goes to the thread only when it
 * has finished the previous one; a thread that is late (descheduled on a busy machine) simply
 * takes no writes, and the event-loop thread never waits for it to wake. The write thread can only
 * reach memory shared with it, so each job's bytes are first copied into one staging
 * SharedArrayBuffer that the WriteThread keeps and reuses. Reused, because fresh memory is costly
 * to touch: on this project's VM a new SharedArrayBuffer costs ~3.5 ms per MiB in page faults, far
 * more than the copy (~0.1 ms per MiB warm). Writes beyond the staging capacity stay on the
 * event-loop thread. A write that fails on the write thread is cut back to its position and marked
 * for the caller to make again on its own thread, which then reports the error as any write does.
 */
import {MessageChannel, Worker, type MessagePort} from 'node:worker_threads';

/** One write: `data` at `position` of the file open as `fd`. */
export interface SharedWrite {
  fd: number;
  data: Buffer;
  position: number;
}

// control (Int32Array) slots
const JOB = 0; // incremented for every job; the thread waits on it
const NEXT = 1; // next write to take
const STATE = 2; // writes handed over in this job x 2, + 1 once the job is closed (no more come)
const DONE = 3; // the last job the thread finished
const STOP = 4; // 1: the thread returns
const READY = 5; // 1 once the thread waits for jobs
const BUSY = 6; // 1 while the thread may hold a write it took (raised before taking one)

// Per write in `items` (Float64Array): fd, byte offset in the staging buffer, length, position.
const FIELDS = 4;
/** What the thread marks per write in `outcome` (Uint8Array): written, or failed and to be made again. */
export const WRITTEN_BY_THREAD = 1;
export const FAILED_ON_THREAD = 2;
/** Taken by the event-loop thread (only ever set by it). */
const MADE_HERE = 3;
/** How long the event-loop thread waits for the write thread's last write before making it itself. */
const WRITE_TIMEOUT_MS = 5000;
/** Checks of BUSY (or, on the thread, of STATE) before sleeping on it: the next write usually comes within microseconds. */
const SPINS = 2000;
/** Writes handed over between two wake-ups of a sleeping write thread. */
export const NOTIFY_EVERY = 32;
/** Most bytes staged per job (kept allocated once reached); the rest is written by the event loop. */
export const MAX_STAGING_BYTES = 16 * 1024 * 1024;
const MIN_STAGING_BYTES = 1024 * 1024;

// CommonJS, evaluated by the Worker, so it runs the same from dist/ and from the TypeScript sources under test.
const THREAD_SOURCE = `
const {workerData, receiveMessageOnPort} = require('node:worker_threads');
const {writeSync, ftruncateSync} = require('node:fs');
const {control, port} = workerData;
let items, outcome, staging, seen = 0;
Atomics.store(control, ${READY}, 1);
Atomics.notify(control, ${READY});
for (;;) {
  Atomics.wait(control, ${JOB}, seen);
  seen = Atomics.load(control, ${JOB});
  if (Atomics.load(control, ${STOP}) === 1) break;
  // A message comes only when the shared arrays were replaced (grown) since the last job.
  const message = receiveMessageOnPort(port)?.message;
  if (message?.items) { items = new Float64Array(message.items); outcome = new Uint8Array(message.outcome); }
  if (message?.staging) staging = Buffer.from(message.staging);
  for (;;) {
    // Raised before taking, so the event-loop thread, once it finds no write left, knows whether one is still being made.
    Atomics.store(control, ${BUSY}, 1);
    const i = Atomics.add(control, ${NEXT}, 1);
    // Write i may not be handed over yet: wait until it is, or until the job closes without it.
    // Waiting on STATE, which every hand-over and the close change, so no wake-up is missed.
    let state = Atomics.load(control, ${STATE});
    for (let spin = 0; spin < ${SPINS} && i >= state >> 1 && (state & 1) === 0; spin++) state = Atomics.load(control, ${STATE});
    while (i >= state >> 1 && (state & 1) === 0) {
      Atomics.wait(control, ${STATE}, state);
      state = Atomics.load(control, ${STATE});
    }
    const count = state >> 1;
    if (i < count) {
      const f = i * ${FIELDS};
      const fd = items[f], offset = items[f + 1], length = items[f + 2], position = items[f + 3];
      let written = 0;
      try {
        while (written < length) written += writeSync(fd, staging, offset + written, length - written, position + written);
        outcome[i] = ${WRITTEN_BY_THREAD};
      } catch {
        try { if (written > 0) ftruncateSync(fd, position); } catch {}
        outcome[i] = ${FAILED_ON_THREAD};
      }
    }
    Atomics.store(control, ${BUSY}, 0);
    Atomics.notify(control, ${BUSY});
    if (i >= count) break;
  }
  Atomics.store(control, ${DONE}, seen);
  Atomics.notify(control, ${DONE});
}
`;

/** Atomics.waitAsync (Node 16+; not in this project's ES2022 typings). */
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number): {async: false; value: string} | {async: true; value: Promise<string>};
}

export class WriteThread {
  private readonly control = new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private items = new Float64Array(new SharedArrayBuffer(0));
  private outcome = new Uint8Array(new SharedArrayBuffer(0));
  /** The items and staging buffers the thread holds (a new one is sent with the next job). */
  private sentItems: SharedArrayBuffer | undefined;
  private sentStaging: SharedArrayBuffer | undefined;
  /** Where writes' bytes are copied for the thread to reach; grown on demand, then reused. */
  private staging: Buffer = Buffer.from(new SharedArrayBuffer(0));
  /** The last job handed to the thread. */
  private lastJob = 0;
  private stopped = false;

  constructor() {
    const {port1, port2} = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(THREAD_SOURCE, {eval: true, workerData: {control: this.control, port: port2}, transferList: [port2]});
    // Never what keeps the process alive; an error in it only means the event loop writes alone.
    this.worker.unref();
    this.worker.on('error', () => { this.stopped = true; });
  }

  /** Resolves once the thread waits for jobs (false: it stopped first). */
  async whenReady(): Promise<boolean> {
    const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.control, READY, 0);
    if (wait.async) await wait.value;
    return this.ready;
  }

  /** Whether writeAll can use the thread (it has started, and has not stopped or failed). */
  get ready(): boolean {
    return !this.stopped && Atomics.load(this.control, READY) === 1;
  }

  /**
   * Make `writes` together with the write thread. `writeHere(i)` makes write i on this thread (it
   * must report its own errors); the returned array says, per write, WRITTEN_BY_THREAD,
   * FAILED_ON_THREAD (to be made again by the caller), or 0 when writeHere made it. With
   * `takeShared` false (tests), this thread leaves every write it can hand over to the other.
   */
  writeAll(writes: SharedWrite[], writeHere: (i: number) => void, takeShared = true): Uint8Array {
    const result = new Uint8Array(writes.length);
    let bytes = 0;
    for (const w of writes) bytes += w.data.length;
    const job = this.open(writes.length, bytes);
    if (!job) {
      for (let i = 0; i < writes.length; i++) writeHere(i);
      return result;
    }
    const handed: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < writes.length; i++) (job.add(writes[i]!.fd, writes[i]!.data, writes[i]!.position) ? handed : local).push(i);
    // This thread: the writes that did not fit the staging buffer, then its share of the rest.
    for (const i of local) writeHere(i);
    const outcome = job.close((k) => writeHere(handed[k]!), takeShared);
    for (let k = 0; k < handed.length; k++) result[handed[k]!] = outcome[k]!;
    return result;
  }

  /**
   * Start a job of up to `maxWrites` writes of `maxBytes` in all, handed over one by one with
   * WriteJob.add, which the thread starts on at once; undefined when the thread cannot take one
   * (not started, stopped, or still in its previous job because it woke late).
   */
  open(maxWrites: number, maxBytes: number): WriteJob | undefined {
    const c = this.control;
    if (!this.ready || Atomics.load(c, DONE) !== this.lastJob) return undefined;
    const staging = this.stagingFor(maxBytes);
    this.prepare(maxWrites);
    const message: {items?: SharedArrayBuffer; outcome?: SharedArrayBuffer; staging?: SharedArrayBuffer} = {};
    if (this.items.buffer !== this.sentItems) {
      message.items = this.items.buffer as SharedArrayBuffer;
      message.outcome = this.outcome.buffer as SharedArrayBuffer;
      this.sentItems = this.items.buffer;
    }
    if (staging.buffer !== this.sentStaging) message.staging = this.sentStaging = staging.buffer as SharedArrayBuffer;
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, STATE, 0);
    // Queued before the job starts, so the thread finds it when it wakes for the job.
    if (message.items || message.staging) this.port.postMessage(message);
    this.lastJob = Atomics.add(c, JOB, 1) + 1;
    Atomics.notify(c, JOB);
    return new WriteJob(this, maxWrites, staging);
  }

  /** For WriteJob.add: write `k` (its bytes staged, its fields set) is handed over. */
  handOver(k: number, fd: number, offset: number, length: number, position: number): void {
    const f = k * FIELDS;
    this.items[f] = fd;
    this.items[f + 1] = offset;
    this.items[f + 2] = length;
    this.items[f + 3] = position;
    Atomics.store(this.control, STATE, (k + 1) * 2);
    // A wake-up is a system call when the thread sleeps: one per NOTIFY_EVERY writes, not per write
    // (10,000 of them cost the event loop ~30 ms); meanwhile it spins for the next few.
    if ((k + 1) % NOTIFY_EVERY === 0) Atomics.notify(this.control, STATE);
  }

  /**
   * For WriteJob.close: no more writes come after the `count` handed over; this thread makes those
   * the other has not taken (`writeHere(k)`), then waits only for one the other still holds.
   * Returns, per write handed over, WRITTEN_BY_THREAD, FAILED_ON_THREAD or 0 (made here).
   */
  finishJob(count: number, writeHere: (k: number) => void, takeShared: boolean): Uint8Array {
    const c = this.control;
    const outcome = this.outcome;
    Atomics.store(c, STATE, count * 2 + 1);
    Atomics.notify(c, STATE);
    while (takeShared) {
      const k = Atomics.add(c, NEXT, 1);
      if (k >= count) break;
      outcome[k] = MADE_HERE;
      writeHere(k);
    }
    // None left to take: wait only for a write the thread is still making (tests: for all of them).
    if (!(takeShared ? this.waitWhileBusy() : this.waitFor(DONE, this.lastJob))) {
      // The thread did not finish its write (it cannot fail by itself; the process is in trouble):
      // its unfinished writes are the caller's to make again, and it gets no more work.
      this.stopped = true;
      for (let k = 0; k < count; k++) if (outcome[k] === 0) outcome[k] = FAILED_ON_THREAD;
    }
    const result = new Uint8Array(count);
    for (let k = 0; k < count; k++) result[k] = outcome[k] === MADE_HERE ? 0 : outcome[k]!;
    return result;
  }

  /** Whether the thread put down the write it holds, if any, within WRITE_TIMEOUT_MS. */
  private waitWhileBusy(): boolean {
    for (let spin = 0; spin < SPINS; spin++) if (Atomics.load(this.control, BUSY) === 0) return true;
    return this.waitFor(BUSY, 0);
  }

  /** Whether control[slot] became `value` within WRITE_TIMEOUT_MS. */
  private waitFor(slot: number, value: number): boolean {
    const deadline = performance.now() + WRITE_TIMEOUT_MS;
    for (let now = Atomics.load(this.control, slot); now !== value; now = Atomics.load(this.control, slot)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.control, slot, now, left);
    }
    return true;
  }

  /** The staging buffer, grown (up to MAX_STAGING_BYTES) to hold `needed` bytes. */
  private stagingFor(needed: number): Buffer {
    if (needed > this.staging.length && this.staging.length < MAX_STAGING_BYTES) {
      let size = Math.max(MIN_STAGING_BYTES, this.staging.length);
      while (size < needed && size < MAX_STAGING_BYTES) size *= 2;
      this.staging = Buffer.from(new SharedArrayBuffer(Math.min(size, MAX_STAGING_BYTES)));
    }
    return this.staging;
  }

  /** Room for `count` writes, their outcomes cleared. */
  private prepare(count: number): Uint8Array {
    if (this.items.length < count * FIELDS) {
      const capacity = Math.max(count, 1024);
      this.items = new Float64Array(new SharedArrayBuffer(capacity * FIELDS * Float64Array.BYTES_PER_ELEMENT));
      this.outcome = new Uint8Array(new SharedArrayBuffer(capacity));
    } else {
      this.outcome.fill(0, 0, count);
    }
    return this.outcome;
  }

  /** Let the thread return; it holds nothing to flush. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, JOB, 1);
    Atomics.notify(this.control, JOB);
    this.port.close();
  }
}

/**
 * One job of a WriteThread, handed over write by write: add() copies the write's bytes to the
 * staging buffer and lets the thread take it at once; close() ends the job (see finishJob).
 */
export class WriteJob {
  private count = 0;
  private staged = 0;
  private closed = false;

  constructor(private readonly thread: WriteThread, private readonly maxWrites: number, private readonly staging: Buffer) {}

  /**
   * Hand the write of `data` at `position` of `fd` to the thread (its index in the job is the
   * number of writes added before it); false when it does not fit, and the caller makes it.
   */
  add(fd: number, data: Buffer, position: number): boolean {
    if (this.closed || this.count >= this.maxWrites || this.staged + data.length > this.staging.length) return false;
    data.copy(this.staging, this.staged);
    this.thread.handOver(this.count, fd, this.staged, data.length, position);
    this.staged += data.length;
    this.count++;
    return true;
  }

  /** End the job: see WriteThread.finishJob; `writeHere(k)` makes the k-th write added. */
  close(writeHere: (k: number) => void, takeShared = true): Uint8Array {
    this.closed = true;
    return this.thread.finishJob(this.count, writeHere, takeShared);
  }
}
