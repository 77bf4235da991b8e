/**
 * The real dashboard in a real terminal: `kstream lag --watch` inside tmux at 80x24 and 200x50,
 * typed at and read back from the screen. Skipped when tmux is not installed.
 */
import {execFile, execFileSync} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {resolveConnection} from '../../src/client/connection.js';
import {GroupClient} from '../../src/client/groups.js';
import {Broker, startBroker} from '../../src/index.js';
import {ApiKey} from '../../src/protocol/generated/api-keys.js';
import {encodeBatch} from '../../src/records/batch.js';

const run = promisify(execFile);
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();
const ROOT = path.resolve(__dirname, '../..');
const SOCKET = `kstream-lag-test-${process.pid}`;
const tmux = (...args: string[]) => run('tmux', ['-L', SOCKET, ...args]);

let broker: Broker;
let dir: string;

async function screen(session: string): Promise<string> {
  return (await tmux('capture-pane', '-p', '-t', session)).stdout;
}

/** Poll the pane (a terminal offers no event to await) until `check` holds. */
async function screenMatching(session: string, check: (s: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await screen(session);
    if (check(s)) return s;
    if (Date.now() > deadline) throw new Error(`screen never showed ${what}:\n${s}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!hasTmux)('lag dashboard in tmux', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-lag-tmux-'));
    broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined, config: {}});
    const conn = resolveConnection({brokers: `127.0.0.1:${broker.port}`} as any, {profiles: {}} as any);
    await ClusterClient.with(conn, async (cluster) => {
      await cluster.any.request(ApiKey.CreateTopics, {topics: [{name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 10_000, validateOnly: false});
      const partitionData = await Promise.all([0, 1, 2].map(async (index) => ({index, records: await encodeBatch({records: Array.from({length: 50}, (_, i) => ({value: `v${i}`}))})})));
      await cluster.any.request(ApiKey.Produce, {transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{name: 'orders', partitionData}]});
      const groups = new GroupClient(cluster);
      await groups.commit('billing', [0, 1, 2].map((partition) => ({topic: 'orders', partition, offset: 10n})));
      await groups.commit('audit', [0, 1, 2].map((partition) => ({topic: 'orders', partition, offset: 50n})));
    });
  });

  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    await broker?.stop();
    if (dir) await rm(dir, {recursive: true, force: true});
  });

  for (const [width, height] of [[80, 24], [200, 50]]) {
    it(`runs at ${width}x${height}: list, drill-down, back, quit with the terminal restored`, {timeout: 180_000}, async () => {
      const session = `lag${width}`;
      // Ink draws only the last frame when CI is set (as in CI runs): a person's terminal has no CI.
      const command = `cd ${ROOT} && env -u CI NO_COLOR=1 ${process.execPath} bin/dev.js lag --watch --interval 500ms -b 127.0.0.1:${broker.port}; echo EXITED rc=$?; sleep 60`;
      await tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', String(height), command);
      // The first screen waits for the CLI to start from the TypeScript sources (a cold tsx cache
      // in a fresh clone on a busy machine takes a while) and for the first refresh.
      let s = await screenMatching(session, (x) => x.includes('billing') && x.includes('audit'), 'the groups', 90_000);
      const lines = s.split('\n');
      expect(lines[0]).toContain('kstream lag');
      expect(s).toMatch(/ERR\s+billing\s.*\s120\s/); // 3 partitions x 40 records, nobody consuming
      expect(s).toMatch(/OK\s+audit\s/);
      expect(s.indexOf('billing')).toBeLessThan(s.indexOf('audit')); // sorted by lag
      expect(s).toContain('q quit');
      await tmux('send-keys', '-t', session, 'Enter');
      s = await screenMatching(session, (x) => x.includes('partitions 1-3 of 3'), 'the detail view');
      expect(s).toMatch(/STOP\s+orders\s+2\s+10\s/);
      expect(s).toContain('no members');
      await tmux('send-keys', '-t', session, 'Escape');
      await screenMatching(session, (x) => x.includes('⏎ details'), 'the list again');
      await tmux('send-keys', '-t', session, 'q');
      s = await screenMatching(session, (x) => x.includes('EXITED rc=0'), 'the exit');
      // The alternate screen is gone: nothing of the dashboard is left on the restored screen.
      expect(s).not.toContain('kstream lag ·');
    });
  }
});
