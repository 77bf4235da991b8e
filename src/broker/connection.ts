/**
 * One client connection: framing, pipelined request handling, and responses written strictly
 * in request order (Kafka clients match responses by order as well as correlation id), even
 * when a later request (a Metadata) finishes before an earlier one (a long-polling Fetch).
 * Any failure closes this connection only.
 */
import type {Socket} from 'node:net';
import {frameBuffers, FrameReader, FrameSizeError, releaseHandledFrame} from './framing.js';
import {CloseConnection, RequestDispatcher} from './dispatch.js';
import type {ConnectionInfo} from './handler.js';
import {readBuffers} from '../storage/read-buffers.js';
import {readIntoReusedBuffer} from './socket-reads.js';

/** In-flight requests per connection before reading pauses (backpressure). */
const MAX_IN_FLIGHT = 100;
/**
 * Bytes of unanswered requests per connection before reading pauses. Without it a producer's
 * pipelined 1 MiB requests queued up to MAX_IN_FLIGHT deep, each in fresh memory beyond what
 * frameBuffers keeps (Kafka itself reads no further request from a connection until it has
 * answered the one before).
 */
export const MAX_IN_FLIGHT_BYTES = 4 * 1024 * 1024;

interface Slot {
  done: boolean;
  response: Buffer[] | null;
}

export class Connection {
  private readonly frames: FrameReader;
  private readonly slots: Slot[] = [];
  private readonly info: ConnectionInfo;
  private closed = false;
  private flushScheduled = false;
  private inFlightBytes = 0;

  constructor(
    private readonly socket: Socket,
    private readonly dispatcher: RequestDispatcher,
    maxRequestBytes: number,
    private readonly log: (line: string) => void,
  ) {
    this.frames = new FrameReader(maxRequestBytes, frameBuffers);
    this.info = {remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, clientId: null};
    socket.setNoDelay(true);
    // Read into one reused buffer where this Node allows it (the frames are then copied out).
    const reused = readIntoReusedBuffer(socket, (chunk) => this.onData(chunk, true));
    if (!reused) socket.on('data', (chunk: Buffer) => this.onData(chunk, false));
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('drain', () => this.updateFlow());
  }

  get remoteAddress(): string {
    return this.info.remoteAddress;
  }

  /** connections.max.idle.ms expired: close unless a request (a long poll) is still pending. */
  closeIfIdle(): void {
    if (this.slots.length === 0) this.close();
  }

  /** Close the socket now; pending responses are dropped. */
  close(reason?: string): void {
    if (reason) this.log(`closing connection from ${this.info.remoteAddress}: ${reason}`);
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer, transient: boolean): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk, transient);
    } catch (err) {
      this.close(err instanceof FrameSizeError ? err.message : `framing error: ${(err as Error).message}`);
      return;
    }
    for (const frame of frames) this.start(frame);
    this.updateFlow();
  }

  private start(frame: Buffer): void {
    const slot: Slot = {done: false, response: null};
    this.slots.push(slot);
    this.inFlightBytes += frame.length;
    let response: Buffer[] | null | Promise<Buffer[] | null>;
    try {
      response = this.dispatcher.dispatch(frame, this.info);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (response instanceof Promise) response.then((r) => this.answered(frame, slot, r), (err: unknown) => this.fail(err));
    else this.answered(frame, slot, response);
  }

  private answered(frame: Buffer, slot: Slot, response: Buffer[] | null): void {
    releaseHandledFrame(frame);
    this.inFlightBytes -= frame.length;
    slot.done = true;
    slot.response = response;
    this.scheduleFlush();
  }

  private fail(err: unknown): void {
    if (err instanceof CloseConnection) this.close(err.message);
    else this.close(`request failed: ${describeFailure(err)}`);
  }

  /**
   * Flush once the requests that arrived together are answered: responses finished in the same
   * turn of the event loop leave in one write (measured: 20,000 pipelined Produce requests took
   * 20,035 write calls with a flush per response).
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Write every finished response at the head of the queue, in request order. */
  private flush(): void {
    this.socket.cork();
    while (!this.closed && this.slots.length > 0 && this.slots[0]!.done) {
      const chunks = this.slots.shift()!.response ?? [];
      // Pooled buffers (record sets read for Fetch, response chunks) go back once the kernel has copied them (no array
      // per response when there are none: Produce answers have none).
      let pooled: Buffer[] | undefined;
      for (const c of chunks) if (readBuffers.owns(c)) (pooled ??= []).push(c);
      for (let i = 0; i < chunks.length; i++) {
        const sent = i === chunks.length - 1 && pooled ? giveBack(pooled) : undefined;
        this.socket.write(chunks[i]!, sent);
      }
    }
    this.socket.uncork();
    this.updateFlow();
  }

  private updateFlow(): void {
    if (this.closed) return;
    const busy = this.slots.length >= MAX_IN_FLIGHT || this.inFlightBytes >= MAX_IN_FLIGHT_BYTES || this.socket.writableNeedDrain;
    if (busy && !this.socket.isPaused()) this.socket.pause();
    else if (!busy && this.socket.isPaused()) this.socket.resume();
  }
}

function giveBack(buffers: Buffer[]): (err?: Error | null) => void {
  // After a failed write the socket may still hold them: leave them to the garbage collector.
  return (err) => {
    if (!err) for (const b of buffers) readBuffers.give(b);
  };
}

/** One line, unless DEBUG=kstream* asks for the stack of an unexpected failure. */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return process.env.DEBUG && /kstream/.test(process.env.DEBUG) && err.stack ? err.stack : err.message;
}
