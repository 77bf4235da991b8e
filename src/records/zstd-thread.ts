/**
 * Large zstd batches decoded on a second thread, so that while it decompresses one batch the event
 * loop walks another's records, reads the socket and appends to the log. Decompression is most of
 * what a zstd batch costs (about 1.1 GB/s of output on one core here, against several GB/s for the
 * walk), and Kafka decompresses every compressed batch it takes, as this broker does.
 *
 * Memory is shared, not sent: two slots, each an input and an output area in SharedArrayBuffers,
 * made with the thread on the first decode. A decode takes a free slot, copies its input in, and
 * reads the output in place until it gives the slot back. Where no slot is free, the data does not
 * fit one, or the thread cannot run, the caller decodes on its own thread (zstd-frames.ts): the
 * second thread only ever adds to what the first does.
 */
import {Worker} from 'node:worker_threads';
import {createRequire} from 'node:module';
import {CorruptRecordError} from './errors.js';
import {zstdDecodeInto} from './zstd-frames.js';

/** The thread's code: plain JavaScript, zstdDecodeInto's source included, so it runs the same from the TypeScript sources and the build. */
const THREAD_CODE = `
const {parentPort, workerData} = require('node:worker_threads');
const binding = require(workerData.bindingPath);
const decodeInto = (${zstdDecodeInto.toString()});
const context = new binding.DCtx();
const slots = workerData.slots.map((s) => ({input: new Uint8Array(s.input), output: new Uint8Array(s.output)}));
parentPort.on('message', ({slot, length}) => {
  const {input, output} = slots[slot];
  const at = {sp: 0, dp: 0};
  try {
    const done = decodeInto(context, input.subarray(0, length), output, output.length, at);
    if (!done) context.reset(binding.ResetDirective.sessionOnly);
    parentPort.postMessage({slot, written: done ? at.dp : -1});
  } catch (err) {
    context.reset(binding.ResetDirective.sessionOnly);
    parentPort.postMessage({slot, error: err.message});
  }
});
`;

interface Slot {
  input: Buffer;
  output: Buffer;
  /**
   * Set while the slot is in use (from the copy in to the end of `use`): settles the decode posted
   * from it with its output's length, or undefined for the caller to decode.
   */
  settle?: (written: number | undefined, error?: Error) => void;
}

/** A reply of the thread: `written` bytes of output (-1: more than the slot holds), or an error's message. */
interface Reply {
  slot: number;
  written?: number;
  error?: string;
}

export interface ZstdThreadSizes {
  slots: number;
  /** Bytes of zstd data a slot takes. */
  input: number;
  /** Bytes of output a slot holds. */
  output: number;
}

/** A 1 MiB batch (max.message.bytes' default) and what such a batch of records decodes to, with room. */
const DEFAULT_SIZES: ZstdThreadSizes = {slots: 2, input: 1 << 20, output: 4 << 20};

export class ZstdThread {
  private worker: Worker | undefined;
  private slots: Slot[] = [];
  /** Decodes posted and not yet answered: the thread is referenced while there are any. */
  private pending = 0;
  /** Set once the thread failed: decodes are then left to the caller. */
  private failed = false;

  constructor(private readonly bindingPath: string, private readonly sizes: ZstdThreadSizes = DEFAULT_SIZES) {}

  /**
   * `use` of `src` decoded on the thread, as {value}; undefined (`use` not called) when no slot is
   * free, the data or its output does not fit a slot, or the thread failed: the caller then decodes
   * it itself. Data that does not decode is a CorruptRecordError. `use` must keep no view of its
   * argument, which is the slot's memory.
   */
  async decode<T>(src: Buffer, use: (plain: Buffer) => T): Promise<{value: T} | undefined> {
    if (this.failed || src.length > this.sizes.input) return undefined;
    const worker = this.worker ?? this.start();
    const index = this.slots.findIndex((s) => s.settle === undefined);
    if (worker === undefined || index < 0) return undefined;
    const slot = this.slots[index]!;
    const reply = new Promise<number | undefined>((resolve, reject) => {
      slot.settle = (n, err) => (err ? reject(err) : resolve(n));
    });
    try {
      src.copy(slot.input);
      if (this.pending++ === 0) worker.ref();
      worker.postMessage({slot: index, length: src.length});
      const written = await reply;
      return written === undefined ? undefined : {value: use(slot.output.subarray(0, written))};
    } finally {
      slot.settle = undefined;
    }
  }

  /** The thread and its slots; undefined if it cannot be started. */
  private start(): Worker | undefined {
    const {slots, input, output} = this.sizes;
    this.slots = Array.from({length: slots}, () => ({
      input: Buffer.from(new SharedArrayBuffer(input)),
      output: Buffer.from(new SharedArrayBuffer(output)),
    }));
    let worker: Worker;
    try {
      worker = new Worker(THREAD_CODE, {
        eval: true,
        workerData: {bindingPath: this.bindingPath, slots: this.slots.map((s) => ({input: s.input.buffer, output: s.output.buffer}))},
      });
    } catch {
      this.failed = true;
      return undefined;
    }
    worker.on('message', (reply: Reply) => {
      if (--this.pending === 0) worker.unref();
      const settle = this.slots[reply.slot]!.settle;
      if (reply.error !== undefined) settle?.(undefined, new CorruptRecordError(reply.error));
      else settle?.(reply.written! < 0 ? undefined : reply.written);
    });
    // A thread that dies (it could not load zstd-napi, or was stopped) leaves its decodes to their callers, and the later ones too.
    const fail = () => {
      this.failed = true;
      this.worker = undefined;
      for (const slot of this.slots) slot.settle?.(undefined);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    // After the listeners, which would otherwise keep the process alive; decode() references it while it works.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

function bindingPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('zstd-napi/binding');
  } catch {
    return undefined;
  }
}

const path = bindingPath();

/** The thread compression.ts uses for large zstd batches, when zstd-napi is there. */
export const zstdThread: ZstdThread | undefined = path ? new ZstdThread(path) : undefined;
