/**
 * The broker's warm-up of its Produce and Fetch paths (src/broker/path-warm-up.ts): it runs every
 * request through the real handlers without an error, in a temporary directory of its own that it
 * removes, never in the data dir and never visible to clients; it stops with the broker, and
 * removes the directory a killed broker left.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {PRIMED_BYTES, startBroker} from '../../src/broker/broker.js';
import {WARM_UP_DIR_PREFIX, WARM_UP_REQUESTS, WARM_UP_TOPIC} from '../../src/broker/path-warm-up.js';
import {ApiKey} from '../../src/protocol/api.js';
import {readBuffers} from '../../src/storage/read-buffers.js';
import {WireClient} from './helpers/wire-client.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'kstream-path-warm-up-'));
/** The warm-ups of this file make their directories here (os.tmpdir() reads TMPDIR). */
const tmp = path.join(root, 'tmp');
const savedTmpdir = process.env.TMPDIR;
beforeAll(() => {
  mkdirSync(tmp);
  process.env.TMPDIR = tmp;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(root, {recursive: true, force: true});
});

const warmUpDirs = () => readdirSync(tmp).filter((name) => name.startsWith(WARM_UP_DIR_PREFIX));

describe('the path warm-up', () => {
  it('answers every Produce and Fetch without an error, out of clients\' sight, and removes its directory', async () => {
    const dataDir = path.join(root, 'data-1');
    const broker = await startBroker({dataDir, port: 0, warmUp: true, log: () => undefined});
    try {
      // Its directory is made in the background once the broker listens.
      const client = await WireClient.connect(broker.port);
      try {
        let finished = false;
        void broker.warmedUp!.then(() => { finished = true; });
        const seen = new Set<string>();
        while (!finished) {
          for (const name of warmUpDirs()) seen.add(name);
          const meta = await client.request(ApiKey.Metadata, 9, {topics: null, allowAutoTopicCreation: false});
          expect(meta.topics.map((t: {name: string}) => t.name)).not.toContain(WARM_UP_TOPIC);
        }
        expect([...seen]).toEqual([expect.stringMatching(new RegExp(`^${WARM_UP_DIR_PREFIX}${process.pid}-`))]);
        const result = await broker.warmedUp!;
        expect(result).toEqual({requests: WARM_UP_REQUESTS, errors: []});
        const meta = await client.request(ApiKey.Metadata, 9, {topics: null, allowAutoTopicCreation: false});
        expect(meta.topics).toEqual([]);
      } finally {
        client.close();
      }
      expect(warmUpDirs()).toEqual([]);
      expect(readdirSync(dataDir).filter((name) => name.includes('warm-up'))).toEqual([]);
    } finally {
      await broker.stop();
    }
  }, 60_000);

  it('gives the response chunks it encodes into back to the pool, leaving the primed ones to the first large Fetch', async () => {
    const broker = await startBroker({dataDir: path.join(root, 'data-pool'), port: 0, warmUp: true, log: () => undefined});
    try {
      expect((await broker.warmedUp!).errors).toEqual([]);
      // The start primes PRIMED_BYTES of chunks (in the background); a warm-up that dropped its
      // responses' chunks left almost none of them (8 MiB primed, 0 bytes left in a measured start).
      await vi.waitFor(() => expect(readBuffers.retainedBytes).toBeGreaterThanOrEqual(PRIMED_BYTES), {timeout: 10_000});
    } finally {
      await broker.stop();
    }
  }, 60_000);

  it('stops with the broker, leaving nothing behind', async () => {
    const broker = await startBroker({dataDir: path.join(root, 'data-2'), port: 0, warmUp: true, log: () => undefined});
    await broker.stop();
    const result = await broker.warmedUp!;
    expect(result.requests).toBeLessThan(WARM_UP_REQUESTS);
    expect(result.errors).toEqual([]);
    expect(warmUpDirs()).toEqual([]);
  }, 60_000);

  it('removes the directory of a broker that was killed, and only that one', async () => {
    // A process id that is no longer running: a child that has exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const abandoned = path.join(tmp, `${WARM_UP_DIR_PREFIX}${deadPid}-x1`);
    const running = path.join(tmp, `${WARM_UP_DIR_PREFIX}${process.ppid}-x2`);
    for (const dir of [abandoned, running]) {
      mkdirSync(path.join(dir, `${WARM_UP_TOPIC}-0`), {recursive: true});
      writeFileSync(path.join(dir, `${WARM_UP_TOPIC}-0`, '00000000000000000000.log'), 'x');
    }
    const broker = await startBroker({dataDir: path.join(root, 'data-3'), port: 0, warmUp: true, log: () => undefined});
    try {
      expect(await broker.warmedUp!).toEqual({requests: WARM_UP_REQUESTS, errors: []});
      expect(existsSync(abandoned)).toBe(false);
      expect(existsSync(running)).toBe(true);
    } finally {
      await broker.stop();
      rmSync(running, {recursive: true, force: true});
    }
  }, 60_000);

  it('is off unless asked for', async () => {
    const broker = await startBroker({dataDir: path.join(root, 'data-4'), port: 0, log: () => undefined});
    try {
      expect(broker.warmedUp).toBeUndefined();
    } finally {
      await broker.stop();
    }
    expect(warmUpDirs()).toEqual([]);
  });
});
