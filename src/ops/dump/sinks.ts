/**
 * Output of a dump to streams: Kafka's text (stdout, and stderr for the lines Kafka prints
 * there) or one JSON object per event on stdout. Writes are batched into large blocks and
 * `drain()` waits for the stream to accept more, so memory stays flat however big the dump.
 */
import type {Writable} from 'node:stream';
import {toJson} from '../../output/render.js';
import type {DumpEvent, DumpSink} from './events.js';
import {formatEvent} from './text-format.js';

const FLUSH_BYTES = 256 * 1024;

class BlockWriter {
  // String concatenation builds a rope in V8: cheaper than an array join per block.
  private pending = '';
  private blocked: Promise<void> | undefined;

  constructor(private readonly stream: Writable) {}

  line(text: string): void {
    this.pending += text + '\n';
    if (this.pending.length >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const block = this.pending;
    this.pending = '';
    if (!this.stream.write(block) && !this.blocked) {
      this.blocked = new Promise((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.stream.off('error', done);
          this.blocked = undefined;
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
        this.stream.on('error', done);
      });
    }
  }

  async drain(): Promise<void> {
    if (this.blocked) await this.blocked;
  }
}

export interface StreamSink extends DumpSink {
  /** Write what is buffered and wait until the streams took it. */
  close(): Promise<void>;
}

export function textSink(stdout: Writable, stderr: Writable, skipRecordMetadata = false): StreamSink {
  const out = new BlockWriter(stdout);
  const err = new BlockWriter(stderr);
  return {
    emit(event: DumpEvent) {
      for (const line of formatEvent(event, skipRecordMetadata)) {
        if (line.stream === 'out') {
          out.line(line.text);
        } else {
          // Keep stdout and stderr in the order the lines were produced.
          out.flush();
          err.line(line.text);
          err.flush();
        }
      }
    },
    async drain() {
      await out.drain();
      await err.drain();
    },
    async close() {
      out.flush();
      err.flush();
      await this.drain();
    },
  };
}

export function jsonSink(stdout: Writable): StreamSink {
  const out = new BlockWriter(stdout);
  return {
    emit(event: DumpEvent) {
      out.line(toJson(event, false));
    },
    drain: () => out.drain(),
    async close() {
      out.flush();
      await out.drain();
    },
  };
}

/** Collects text lines in memory (tests, library use on small files). */
export function collectingSink(skipRecordMetadata = false): DumpSink & {events: DumpEvent[]; stdout: string[]; stderr: string[]} {
  const events: DumpEvent[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    events, stdout, stderr,
    emit(event: DumpEvent) {
      events.push(event);
      for (const line of formatEvent(event, skipRecordMetadata)) (line.stream === 'out' ? stdout : stderr).push(line.text);
    },
    drain: async () => undefined,
  };
}
