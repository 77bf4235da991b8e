/**
 * `kstream lag` as a user runs it, against the embedded broker with a real scenario: kafkajs
 * producing 100 records/s; "fast" keeps up, "slow" handles 50/s, "stopped" left the group,
 * "rewound" left and is reset to the earliest offset while `kstream lag --watch` looks on.
 */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {LagScenario, startLagScenario, TOPIC} from '../ops/lag/scenario.js';
import {runCli} from './cli-helpers.js';

const ROOT = path.resolve(__dirname, '../..');
let scenario: LagScenario;
let stoppedAtMs = 0;
let startedAtMs = 0;
const cli = (args: string[]) => runCli([...args, '-b', scenario.brokers]);

beforeAll(async () => {
  startedAtMs = Date.now();
  scenario = await startLagScenario();
  await scenario.consume('fast');
  await scenario.consume('slow', 20, 256);
  const stopped = await scenario.consume('stopped');
  const rewound = await scenario.consume('rewound');
  await scenario.committedAtLeast('stopped', 50);
  await scenario.committedAtLeast('rewound', 50);
  await stopped.disconnect();
  await rewound.disconnect();
  stoppedAtMs = Date.now();
  // Let the stopped groups fall behind and the slow one build a backlog.
  await scenario.committedAtLeast('slow', 20);
  await new Promise((resolve) => setTimeout(resolve, 3000));
}, 120_000);

afterAll(async () => {
  await scenario?.close();
});

describe('kstream lag', () => {
  it('reports records, seconds and statuses for each kind of group (JSON)', async () => {
    const r = await cli(['lag', '--samples', '3', '--interval', '1s', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.samples).toBe(3);
    const byName = new Map(report.groups.map((g: any) => [g.group, g]));
    const fast: any = byName.get('fast');
    const slow: any = byName.get('slow');
    const stopped: any = byName.get('stopped');
    const rewound: any = byName.get('rewound');

    expect(fast.status).toBe('OK');
    expect(fast.state).toBe('Stable');
    expect(fast.totalLag).toBeLessThan(100); // at most about one second of production
    expect(fast.consumeRate).toBeGreaterThan(30);

    expect(slow.status).toBe('WARN');
    expect(slow.partitions.every((p: any) => p.status === 'WARN' || p.status === 'OK')).toBe(true);
    expect(slow.totalLag).toBeGreaterThan(100);
    expect(slow.maxTimeLag.kind).toBe('measured');
    expect(slow.maxTimeLag.lagMs).toBeGreaterThan(1000);
    expect(slow.catchUp).toEqual({kind: 'never'});

    const now = Date.now();
    for (const g of [stopped, rewound]) {
      expect(g.state).toBe('Empty');
      expect(g.status).toBe('ERR');
      expect(g.partitions.map((p: any) => p.status)).toEqual(['STOP', 'STOP']);
      expect(g.partitions.every((p: any) => p.lag === p.logEndOffset - p.committedOffset && p.lag > 0)).toBe(true);
      // The oldest unconsumed record was produced before the group left and after the test began.
      expect(g.maxTimeLag.kind).toBe('measured');
      expect(g.maxTimeLag.lagMs).toBeGreaterThanOrEqual(now - stoppedAtMs - 3000);
      expect(g.maxTimeLag.lagMs).toBeLessThanOrEqual(now - startedAtMs + 1000);
      expect(g.consumeRate).toBe(0);
      expect(g.produceRate).toBeGreaterThan(30);
    }
    expect(r.stdout).not.toContain('NaN');
  });

  it('prints the table for named groups and a topic', async () => {
    const r = await cli(['lag', 'stopped', 'fast', '--topic', TOPIC, '--samples', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^GROUP\s+STATE\s+MEMBERS\s+STATUS\s+LAG\s+TIME-LAG\s+CONSUME\s+PRODUCE\s+CATCH-UP$/m);
    expect(r.stdout).toMatch(/^stopped\s+Empty\s+0\s+ERR\s+\d+\s+\d+(\.\d)?s\s+-\s+-\s+-$/m);
    expect(r.stdout).toMatch(/^stopped\s+orders\s+0\s+\d+\s+\d+\s+\d+\s+\S+\s+-\s+-\s+-\s+STOP\s+-$/m);
    expect(r.stdout).toMatch(/^fast\s+orders\s+1\s+/m);
    expect(r.stdout).not.toMatch(/^slow/m);
    expect(r.stdout).toContain('one sample: no rates');
  });

  it('sees a rewind with --watch (one JSON line per refresh when stdout is not a terminal)', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/dev.js'), 'lag', 'rewound', '--watch', '--interval', '300ms', '-o', 'json', '-b', scenario.brokers], {env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']});
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({input: child.stdout!});
    let reset = false;
    let sawRewind = false;
    for await (const line of lines) {
      const report = JSON.parse(line);
      const g = report.groups[0];
      if (!reset) {
        expect(g.partitions.every((p: any) => p.committedOffset > 0)).toBe(true);
        const r = await cli(['groups', 'reset-offsets', 'rewound', '--topic', TOPIC, '--to-earliest', '--execute']);
        expect(r.code).toBe(0);
        reset = true;
      } else if (g.partitions.every((p: any) => p.committedOffset === 0)) {
        expect(g.partitions.map((p: any) => p.status)).toEqual(['REWIND', 'REWIND']);
        expect(g.status).toBe('ERR');
        sawRewind = true;
        break;
      }
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(sawRewind).toBe(true);
  });

  it('started through npx, ends --watch when npx is killed (npm does not pass the signal on)', async () => {
    // As npm runs npx's command: behind a `sh -c` that does not exec it, with npm_command=exec.
    const shell = spawn('sh', ['-c', '"$0" "$@"; true', process.execPath, path.join(ROOT, 'bin/dev.js'), 'lag', 'fast', '--watch', '--interval', '300ms', '-o', 'json', '-b', scenario.brokers],
      {env: {...process.env, NO_COLOR: '1', npm_command: 'exec'}, stdio: ['ignore', 'pipe', 'pipe']});
    // 'close': the watcher's ends of the pipes too, so it has exited.
    const closed = new Promise<void>((resolve) => shell.on('close', () => resolve()));
    const lines = createInterface({input: shell.stdout!});
    let reports = 0;
    for await (const line of lines) {
      expect(JSON.parse(line).groups[0].group).toBe('fast');
      if (++reports === 2) break;
    }
    shell.kill('SIGKILL');
    await closed;
  });

  it('says in one line when a named group does not exist or the cluster is unreachable', async () => {
    const missing = await cli(['lag', 'no-such-group', '--samples', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error: consumer group "no-such-group" not found. List groups with `kstream groups list`');
    const down = await runCli(['lag', '-b', '127.0.0.1:1', '--timeout', '2', '--samples', '1']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/^Error: cannot reach the Kafka broker at 127\.0\.0\.1:1/);
  });
});
