/** The plain --watch loop (stdout not a terminal): one report per interval until a stop signal or its AbortSignal. */
import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {watchPlain} from '../../../src/ops/lag/watch-plain.js';
import type {LagMonitor} from '../../../src/ops/lag/monitor.js';

const report = {atMs: 0, samples: 1, windowMs: 0, groups: []};

describe('watchPlain', () => {
  it('stops when its AbortSignal is aborted, as on a stop signal, and leaves no listener behind', async () => {
    const out = new PassThrough();
    let sampled = 0;
    const monitor = {sample: async () => { sampled++; return report; }} as unknown as LagMonitor;
    const stop = new AbortController();
    const listeners = process.listenerCount('SIGTERM');
    const done = watchPlain({monitor, intervalMs: 60_000, format: 'json', out, err: new PassThrough(), stopSignals: ['SIGTERM'], stop: stop.signal});
    // The first report is written at once; the next would come a minute later.
    await new Promise((resolve) => out.once('data', resolve));
    stop.abort();
    await done;
    expect(sampled).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
  });

  it('samples nothing when stopped before it begins', async () => {
    const stop = new AbortController();
    stop.abort();
    let sampled = 0;
    const monitor = {sample: async () => { sampled++; return report; }} as unknown as LagMonitor;
    await watchPlain({monitor, intervalMs: 60_000, format: 'json', out: new PassThrough(), err: new PassThrough(), stopSignals: [], stop: stop.signal});
    expect(sampled).toBe(0);
  });
});
