/**
 * A second thread for the file writes of a Produce to many partitions. Each partition's append is
 * one small pwrite to its own file, and on this kind of request the kernel's work per pwrite
 * (~5 µs on ext4) is most of the broker's time; two threads make them in about half the time.
 *
 * The event-loop thread and the write thread take writes from one shared counter until none are
 * left; the event-loop thread then waits only for a write the other is still making (a few µs),
 * so the caller sees one synchronous call, as with writeSync. A job goes to the thread only when it
 * has finished the previous one; a thread that is late (descheduled on a busy machine) simply
 * takes no writes, and the event-loop thread never waits for it to wake. The write thread can only
 * reach memory shared with it, so each job's bytes are first copied into one staging
 * SharedArrayBuffer that the WriteThread keeps and reuses (bytes already in a SharedArrayBuffer are
 * not copied). Reused, because fresh memory is costly to touch: on this project's VM a new
 * SharedArrayBuffer costs ~3.5 ms per MiB in page faults, far more than the copy (~0.1 ms per MiB
 * warm). Writes beyond the staging capacity stay on the event-loop thread. A write that fails on
 * the write thread is cut back to its position and marked for the caller to make again on its own
 * thread, which then reports the error as any write does.
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
const COUNT = 2; // writes in this job
const DONE = 3; // the last job the thread finished
const STOP = 4; // 1: the thread returns
const READY = 5; // 1 once the thread waits for jobs
const BUSY = 6; // 1 while the thread may hold a write it took (raised before taking one)

// Per write in `items` (Float64Array): fd, index of its SharedArrayBuffer, byte offset, length, position.
const FIELDS = 5;
/** What the thread marks per write in `outcome` (Uint8Array): written, or failed and to be made again. */
export const WRITTEN_BY_THREAD = 1;
export const FAILED_ON_THREAD = 2;
/** Taken by the event-loop thread (only ever set by it). */
const MADE_HERE = 3;
/** How long the event-loop thread waits for the write thread's last write before making it itself. */
const WRITE_TIMEOUT_MS = 5000;
/** Checks of BUSY before sleeping on it: the last write usually lands within microseconds. */
const SPINS = 2000;
/** Most bytes staged per job (kept allocated once reached); the rest is written by the event loop. */
export const MAX_STAGING_BYTES = 16 * 1024 * 1024;
const MIN_STAGING_BYTES = 1024 * 1024;

// CommonJS, evaluated by the Worker, so it runs the same from dist/ and from the TypeScript sources under test.
const THREAD_SOURCE = `
const {workerData, receiveMessageOnPort} = require('node:worker_threads');
const {writeSync, ftruncateSync} = require('node:fs');
const {control, port} = workerData;
let items, outcome, buffers = [], seen = 0;
Atomics.store(control, ${READY}, 1);
Atomics.notify(control, ${READY});
for (;;) {
  Atomics.wait(control, ${JOB}, seen);
  seen = Atomics.load(control, ${JOB});
  if (Atomics.load(control, ${STOP}) === 1) break;
  const message = receiveMessageOnPort(port).message;
  if (message.items) { items = new Float64Array(message.items); outcome = new Uint8Array(message.outcome); }
  buffers = message.buffers.map((b) => Buffer.from(b));
  const count = Atomics.load(control, ${COUNT});
  for (;;) {
    // Raised before taking, so the event-loop thread, once it finds no write left, knows whether one is still being made.
    Atomics.store(control, ${BUSY}, 1);
    const i = Atomics.add(control, ${NEXT}, 1);
    if (i < count) {
      const f = i * ${FIELDS};
      const fd = items[f], data = buffers[items[f + 1]], offset = items[f + 2], length = items[f + 3], position = items[f + 4];
      let written = 0;
      try {
        while (written < length) written += writeSync(fd, data, offset + written, length - written, position + written);
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
  buffers = [];
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
  /** The items buffer the thread holds (a new one is sent with the next job). */
  private sentItems: SharedArrayBuffer | undefined;
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
    const c = this.control;
    // Still in its previous job (it woke late): it gets none of this one.
    if (Atomics.load(c, DONE) !== this.lastJob) {
      for (let i = 0; i < writes.length; i++) writeHere(i);
      return result;
    }
    const staging = this.stagingFor(writes);
    const shared: number[] = [];
    const local: number[] = [];
    const outcome = this.prepare(writes.length);
    const buffers: SharedArrayBuffer[] = [staging.buffer as SharedArrayBuffer];
    let staged = 0;
    let lastBuffer: ArrayBufferLike = staging.buffer;
    for (let i = 0; i < writes.length; i++) {
      const w = writes[i]!;
      const f = shared.length * FIELDS;
      if (w.data.buffer instanceof SharedArrayBuffer) {
        if (w.data.buffer !== lastBuffer) {
          lastBuffer = w.data.buffer;
          buffers.push(lastBuffer);
        }
        this.items[f + 1] = buffers.length - 1;
        this.items[f + 2] = w.data.byteOffset;
      } else if (staged + w.data.length <= staging.length) {
        w.data.copy(staging, staged);
        this.items[f + 1] = 0;
        this.items[f + 2] = staged;
        staged += w.data.length;
      } else {
        local.push(i);
        continue;
      }
      this.items[f] = w.fd;
      this.items[f + 3] = w.data.length;
      this.items[f + 4] = w.position;
      shared.push(i);
    }
    const message: {items?: SharedArrayBuffer; outcome?: SharedArrayBuffer; buffers: SharedArrayBuffer[]} = {buffers};
    if (this.items.buffer !== this.sentItems) {
      message.items = this.items.buffer;
      message.outcome = this.outcome.buffer;
      this.sentItems = this.items.buffer;
    }
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, COUNT, shared.length);
    this.port.postMessage(message);
    this.lastJob = Atomics.add(c, JOB, 1) + 1;
    Atomics.notify(c, JOB);
    // This thread: the writes the other cannot reach, then its share of the rest.
    for (const i of local) writeHere(i);
    while (takeShared) {
      const k = Atomics.add(c, NEXT, 1);
      if (k >= shared.length) break;
      outcome[k] = MADE_HERE;
      writeHere(shared[k]!);
    }
    // None left to take: wait only for a write the thread is still making (tests: for all of them).
    if (!(takeShared ? this.waitWhileBusy() : this.waitFor(DONE, this.lastJob))) {
      // The thread did not finish its write (it cannot fail by itself; the process is in trouble):
      // its unfinished writes are the caller's to make again, and it gets no more work.
      this.stopped = true;
      for (let k = 0; k < shared.length; k++) if (outcome[k] === 0) outcome[k] = FAILED_ON_THREAD;
    }
    for (let k = 0; k < shared.length; k++) result[shared[k]!] = outcome[k] === MADE_HERE ? 0 : outcome[k]!;
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

  /** The staging buffer, grown (up to MAX_STAGING_BYTES) to hold the bytes of `writes` not already shared. */
  private stagingFor(writes: SharedWrite[]): Buffer {
    let needed = 0;
    for (const w of writes) if (!(w.data.buffer instanceof SharedArrayBuffer)) needed += w.data.length;
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
