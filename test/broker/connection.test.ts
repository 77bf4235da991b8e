import {EventEmitter} from 'node:events';
import type {Socket} from 'node:net';
import {describe, expect, it} from 'vitest';
import {Connection, MAX_IN_FLIGHT_BYTES} from '../../src/broker/connection.js';
import {CloseConnection, type RequestDispatcher} from '../../src/broker/dispatch.js';

/** A socket that records what is written between each cork() and uncork(). */
class RecordingSocket extends EventEmitter {
  readonly flushes: string[][] = [];
  destroyed = false;
  private corked: string[] | undefined;
  remoteAddress = '127.0.0.1';
  remotePort = 1;
  writableNeedDrain = false;
  private paused = false;
  setNoDelay(): void {}
  cork(): void {
    this.corked = [];
  }
  uncork(): void {
    if (this.corked && this.corked.length > 0) this.flushes.push(this.corked);
    this.corked = undefined;
  }
  write(chunk: Buffer): boolean {
    if (!this.corked) throw new Error('write outside cork()');
    this.corked.push(chunk.toString());
    return true;
  }
  pause(): this { this.paused = true; return this; }
  resume(): this { this.paused = false; return this; }
  isPaused(): boolean { return this.paused; }
  destroy(): void { this.destroyed = true; }
}

function frame(text: string): Buffer {
  const body = Buffer.from(text);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Answers each request with its own text, after `delay(text)` (a promise) when given. */
function echo(delay?: (text: string) => Promise<void> | undefined): RequestDispatcher {
  return {
    async dispatch(request: Buffer) {
      const text = request.toString();
      const wait = delay?.(text);
      if (wait) await wait;
      return [Buffer.from(`re:${text}`)];
    },
  } as unknown as RequestDispatcher;
}

const settled = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

describe('Connection', () => {
  it('sends the answers to requests that arrived together in one write', async () => {
    const socket = new RecordingSocket();
    new Connection(socket as unknown as Socket, echo(), 1 << 20, () => undefined);
    socket.emit('data', Buffer.concat(['a', 'b', 'c', 'd', 'e'].map(frame)));
    await settled();
    expect(socket.flushes).toEqual([['re:a', 're:b', 're:c', 're:d', 're:e']]);
  });

  it('keeps request order when a later request finishes first', async () => {
    const socket = new RecordingSocket();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    new Connection(socket as unknown as Socket, echo((t) => (t === 'slow' ? slow : undefined)), 1 << 20, () => undefined);
    socket.emit('data', Buffer.concat(['slow', 'quick'].map(frame)));
    await settled();
    expect(socket.flushes).toEqual([]);
    release();
    await settled();
    expect(socket.flushes.flat()).toEqual(['re:slow', 're:quick']);
    socket.emit('data', frame('next'));
    await settled();
    expect(socket.flushes.flat()).toEqual(['re:slow', 're:quick', 're:next']);
  });

  it('sends answers given at once and answers given later in request order', async () => {
    const socket = new RecordingSocket();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    // 'slow' is answered through a promise, the others at once (as a small Produce is).
    const dispatcher = {
      dispatch(request: Buffer) {
        const text = request.toString();
        const answer = [Buffer.from(`re:${text}`)];
        return text === 'slow' ? slow.then(() => answer) : answer;
      },
    } as unknown as RequestDispatcher;
    new Connection(socket as unknown as Socket, dispatcher, 1 << 20, () => undefined);
    socket.emit('data', Buffer.concat(['a', 'slow', 'b'].map(frame)));
    await settled();
    expect(socket.flushes).toEqual([['re:a']]);
    release();
    await settled();
    expect(socket.flushes.flat()).toEqual(['re:a', 're:slow', 're:b']);
  });

  it('stops reading while its unanswered requests hold MAX_IN_FLIGHT_BYTES, and reads on once they are answered', async () => {
    const socket = new RecordingSocket();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    new Connection(socket as unknown as Socket, echo(() => slow), MAX_IN_FLIGHT_BYTES, () => undefined);
    const big = 'x'.repeat(MAX_IN_FLIGHT_BYTES / 4);
    socket.emit('data', Buffer.concat([big, big, big].map(frame)));
    await settled();
    expect(socket.isPaused()).toBe(false);
    socket.emit('data', frame(big));
    await settled();
    expect(socket.isPaused()).toBe(true);
    release();
    await settled();
    expect(socket.isPaused()).toBe(false);
    expect(socket.flushes.flat()).toHaveLength(4);
  });

  it('closes the connection, with the reason logged, when the dispatcher throws at once', async () => {
    const socket = new RecordingSocket();
    const lines: string[] = [];
    const dispatcher = {
      dispatch(request: Buffer) {
        if (request.toString() === 'bad') throw new CloseConnection('cannot parse request header: truncated');
        return [Buffer.from('re:ok')];
      },
    } as unknown as RequestDispatcher;
    new Connection(socket as unknown as Socket, dispatcher, 1 << 20, (line) => lines.push(line));
    socket.emit('data', Buffer.concat(['ok', 'bad'].map(frame)));
    await settled();
    expect(socket.destroyed).toBe(true);
    expect(lines).toEqual(['closing connection from 127.0.0.1:1: cannot parse request header: truncated']);
    expect(socket.flushes).toEqual([]);
  });
});
