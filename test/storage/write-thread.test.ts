import {closeSync, openSync, readFileSync, writeSync} from 'node:fs';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {FAILED_ON_THREAD, MAX_STAGING_BYTES, NOTIFY_EVERY, WRITTEN_BY_THREAD, WriteThread, type SharedWrite} from '../../src/storage/write-thread.js';
import {tempDir} from './helpers.js';

/** `text` in a buffer over shared memory, at an offset inside it (as a batch inside a request frame). */
function shared(text: string, offset = 7): Buffer {
  const b = Buffer.from(new SharedArrayBuffer(offset + text.length + 3)).subarray(offset, offset + text.length);
  b.write(text);
  return b;
}

describe('WriteThread', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let thread: WriteThread;
  const fds: number[] = [];

  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    thread = new WriteThread();
    expect(await thread.whenReady()).toBe(true);
  });

  afterEach(async () => {
    thread.stop();
    for (const fd of fds.splice(0)) closeSync(fd);
    await cleanup();
  });

  const file = (name: string, flags = 'w+') => {
    const fd = openSync(path.join(dir, name), flags);
    fds.push(fd);
    return fd;
  };

  it('makes every write once, on either thread, at its position', () => {
    const writes: SharedWrite[] = [];
    for (let i = 0; i < 2000; i++) {
      const fd = file(`f${i}`);
      // Every third one in ordinary memory, the others in shared memory: all are copied to the staging buffer.
      const text = `head-${i}|body-${i}`;
      writes.push({fd, data: i % 3 === 0 ? Buffer.from(text) : shared(text), position: 4});
    }
    const here: number[] = [];
    const outcome = thread.writeAll(writes, (i) => {
      here.push(i);
      const w = writes[i]!;
      // What the caller does: the same positional write.
      writeSync(w.fd, w.data, 0, w.data.length, w.position);
    });
    for (let i = 0; i < writes.length; i++) {
      expect(readFileSync(path.join(dir, `f${i}`)).subarray(4).toString()).toBe(`head-${i}|body-${i}`);
      expect(outcome[i] === 0 ? here.includes(i) : outcome[i] === WRITTEN_BY_THREAD).toBe(true);
    }
    expect(new Set(here).size).toBe(here.length);
  });

  it('writes bytes from ordinary memory on the thread through its staging buffer, reused job after job', () => {
    for (let job = 0; job < 20; job++) {
      const writes: SharedWrite[] = [];
      for (let i = 0; i < 50; i++) writes.push({fd: file(`s${job}-${i}`), data: Buffer.from(`job ${job} write ${i} `.repeat(job + 1)), position: 2});
      // The thread alone: every write is its to make.
      const outcome = thread.writeAll(writes, () => { throw new Error('the thread makes them all here'); }, false);
      expect([...outcome]).toEqual(writes.map(() => WRITTEN_BY_THREAD));
      for (let i = 0; i < 50; i++) expect(readFileSync(path.join(dir, `s${job}-${i}`)).subarray(2).toString()).toBe(`job ${job} write ${i} `.repeat(job + 1));
    }
  });

  it('leaves the writes beyond the staging capacity to this thread', () => {
    const big = (fill: number) => Buffer.alloc(MAX_STAGING_BYTES / 2 + 1, fill);
    const writes: SharedWrite[] = [{fd: file('b0'), data: big(1), position: 0}, {fd: file('b1'), data: big(2), position: 0}, {fd: file('b2'), data: shared('small'), position: 0}];
    const here: number[] = [];
    const outcome = thread.writeAll(writes, (i) => {
      here.push(i);
      writeSync(writes[i]!.fd, writes[i]!.data, 0, writes[i]!.data.length, 0);
    }, false);
    expect(here).toEqual([1]);
    expect([...outcome]).toEqual([WRITTEN_BY_THREAD, 0, WRITTEN_BY_THREAD]);
    for (let i = 0; i < 3; i++) expect(readFileSync(path.join(dir, `b${i}`)).equals(writes[i]!.data)).toBe(true);
  });

  it('hands back a write that failed on the thread, leaving nothing of it in the file', () => {
    const good = file('good');
    closeSync(openSync(path.join(dir, 'read-only'), 'w'));
    const readOnly = file('read-only', 'r');
    const writes: SharedWrite[] = [{fd: readOnly, data: shared('x'.repeat(100)), position: 0}, {fd: good, data: shared('ok'), position: 0}];
    const outcome = thread.writeAll(writes, () => { throw new Error('all shared writes are the thread\'s here'); }, false);
    expect([...outcome]).toEqual([FAILED_ON_THREAD, WRITTEN_BY_THREAD]);
    expect(readFileSync(path.join(dir, 'good')).toString()).toBe('ok');
    expect(readFileSync(path.join(dir, 'read-only')).length).toBe(0);
  });

  it('starts on the writes of a job as they are handed over, before the job is closed', async () => {
    // As many as wake a thread that went to sleep before the first came (it spins only briefly,
    // and a busy machine can hold this thread between open() and add() longer than that).
    const texts = Array.from({length: NOTIFY_EVERY}, (_, i) => `write ${i}`);
    const fds = texts.map((_, i) => file(`h${i}`));
    const job = thread.open(texts.length, 1000)!;
    expect(job).toBeDefined();
    for (const [i, text] of texts.entries()) expect(job.add(fds[i]!, Buffer.from(text), 1)).toBe(true);
    // Written by the thread while this one goes on: visible before close().
    await vi.waitFor(() => {
      for (const [i, text] of texts.entries()) expect(readFileSync(path.join(dir, `h${i}`)).subarray(1).toString()).toBe(text);
    });
    const outcome = job.close(() => { throw new Error('the thread has made them all'); });
    expect([...outcome]).toEqual(texts.map(() => WRITTEN_BY_THREAD));
  });

  it('takes no more writes than the job was opened for, nor more bytes than its staging buffer', () => {
    const job = thread.open(2, 10)!;
    const fd = file('limits');
    expect(job.add(fd, Buffer.from('a'), 0)).toBe(true);
    expect(job.add(fd, Buffer.alloc(MAX_STAGING_BYTES), 1)).toBe(false);
    expect(job.add(fd, Buffer.from('b'), 1)).toBe(true);
    expect(job.add(fd, Buffer.from('c'), 2)).toBe(false);
    const here: number[] = [];
    const outcome = job.close((k) => { here.push(k); writeSync(fd, Buffer.from(k === 0 ? 'a' : 'b'), 0, 1, k); });
    expect(outcome).toHaveLength(2);
    expect(readFileSync(path.join(dir, 'limits')).toString()).toBe('ab');
    for (let k = 0; k < 2; k++) expect(outcome[k] === 0 ? here.includes(k) : outcome[k] === WRITTEN_BY_THREAD).toBe(true);
  });

  it('is not ready once stopped, and is reused across many jobs', () => {
    for (let job = 0; job < 50; job++) {
      const fd = file(`j${job}`);
      const outcome = thread.writeAll([{fd, data: shared(`job ${job}`), position: 0}], (i) => { void i; });
      expect([0, WRITTEN_BY_THREAD]).toContain(outcome[0]);
    }
    thread.stop();
    expect(thread.ready).toBe(false);
  });
});
