/**
 * `kstream check cluster` as a user runs it, against the embedded broker with deliberately bad
 * topics: each one is found, in the table and in JSON/YAML alike, and the exit code follows the
 * worst finding (0 with only one-broker replication notes, 1 with a warning, 2 with an error,
 * 3 when the cluster cannot be reached).
 */
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parse as parseYaml} from 'yaml';
import {brokerForCli, CliResult, runCli} from './cli-helpers.js';

let env: Awaited<ReturnType<typeof brokerForCli>>;
beforeAll(async () => {
  env = await brokerForCli();
});
afterAll(async () => env?.close());

function report(r: CliResult, exitCode: number): any {
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.code).toBe(exitCode);
  const parsed = JSON.parse(r.stdout);
  expect(parsed.summary.exitCode).toBe(exitCode);
  return parsed;
}

/** The failed findings as "subject check severity", in report order. */
function failures(rep: any): string[] {
  return rep.checks.filter((c: any) => c.passed === false).map((c: any) => `${c.subjectType} ${c.subject} ${c.check} ${c.severity}`);
}

async function create(...args: string[]): Promise<void> {
  const r = await env.cli(['topics', 'create', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

describe('kstream check cluster against the embedded broker', () => {
  it('a healthy one-broker cluster: only replication notes (info), exit 0, and the table says why', async () => {
    await create('good', '-p', '3');
    const [json, table, explain, all] = await Promise.all([
      env.cli(['check', 'cluster', '-o', 'json']), env.cli(['check', 'cluster']), env.cli(['check', 'cluster', '--explain']), env.cli(['check', 'cluster', '--all']),
    ]);
    const rep = report(json, 0);
    expect(rep).toMatchObject({controllerId: 1, topics: 1, partitions: 3, brokers: [{nodeId: 1, host: '127.0.0.1', port: env.broker.port}]});
    expect(failures(rep)).toEqual(['topic good replication-factor info']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^SUBJECT\s+CHECK\s+CURRENT\s+REQUIRED\s+SEVERITY\s+PASSED$/m);
    expect(table.stdout).toMatch(/^topic good\s+replication-factor\s+1\s+>= 3\s+info\s+no$/m);
    expect(table.stdout).toMatch(/exit code 0\n$/);
    expect(explain.stdout).toContain('why:      The cluster has 1 broker, so a replication factor of 1 is the most it can give');
    expect(all.stdout).toMatch(/^topic good\s+unbounded-retention\s+retention\.ms=604800000, retention\.bytes=-1, cleanup\.policy=delete\s+.*\s+yes$/m);
  });

  it('a topic that keeps everything forever is a warning: exit 1', async () => {
    await Promise.all([create('forever', '-c', 'retention.ms=-1', '-c', 'retention.bytes=-1'), create('kept-compacted', '-c', 'retention.ms=-1', '-c', 'cleanup.policy=compact')]);
    const rep = report(await env.cli(['check', 'cluster', '-o', 'json']), 1);
    expect(failures(rep).filter((f) => !f.endsWith('replication-factor info'))).toEqual(['topic forever unbounded-retention warning']);
    expect(rep.checks.find((c: any) => c.subject === 'forever' && c.check === 'unbounded-retention')).toMatchObject({
      current: 'retention.ms=-1, retention.bytes=-1, cleanup.policy=delete', passed: false, fix: 'kstream topics alter-config forever --set retention.ms=604800000  # or retention.bytes=<bytes per partition>',
    });
  });

  it('finds each deliberately bad topic: min.insync.replicas above RF, unclean election, RF 1 internal topic; exit 2 in JSON, YAML and table', async () => {
    await Promise.all([
      create('strict', '-p', '2', '-c', 'min.insync.replicas=2'),
      create('unsafe', '-c', 'unclean.leader.election.enable=true'),
      create('__consumer_offsets', '-p', '2', '-c', 'cleanup.policy=compact'),
    ]);
    const [json, yaml, table] = await Promise.all([env.cli(['check', 'cluster', '-o', 'json']), env.cli(['check', 'cluster', '-o', 'yaml']), env.cli(['check', 'cluster'])]);
    const rep = report(json, 2);
    expect(failures(rep)).toEqual([
      'topic __consumer_offsets internal-topic-replication info',
      'topic forever replication-factor info',
      'topic forever unbounded-retention warning',
      'topic good replication-factor info',
      'topic kept-compacted replication-factor info',
      'topic strict under-min-isr-partitions error',
      'topic strict replication-factor info',
      'topic strict min-insync-replicas error',
      'topic unsafe replication-factor info',
      'topic unsafe unclean-leader-election warning',
    ]);
    expect(rep.checks.find((c: any) => c.subject === 'strict' && c.check === 'under-min-isr-partitions').current).toBe('2 of 2 partitions (0, 1), min.insync.replicas 2');
    expect(rep.checks.find((c: any) => c.subject === 'unsafe' && c.check === 'unclean-leader-election').current).toBe('true (topic override)');
    expect(rep.summary).toMatchObject({failed: 10, unknown: 0});

    expect(yaml.code).toBe(2);
    expect(parseYaml(yaml.stdout)).toEqual(rep);

    expect(table.code).toBe(2);
    const rows = table.stdout.split('\n').filter((l) => /\s(no|yes|unknown)$/.test(l)).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => `${r[0]} ${r[1]} ${r[4]}`)).toEqual(failures(rep));
    expect(rows.find((r) => r[0] === 'topic strict' && r[1] === 'min-insync-replicas')).toEqual(['topic strict', 'min-insync-replicas', '2 (topic override)', '<= 1 (replication factor 1)', 'error', 'no']);
    expect(table.stdout).toMatch(/\(2 error, 2 warning, 6 info\), 0 unknown; exit code 2\n$/);
  });

  it('reports unclean leader election in a broker\'s config once, and as inherited on its topics', async () => {
    const other = await brokerForCli({'unclean.leader.election.enable': 'true'});
    try {
      expect((await other.cli(['topics', 'create', 'inherits'])).code).toBe(0);
      const rep = report(await other.cli(['check', 'cluster', '-o', 'json']), 1);
      expect(failures(rep)).toEqual(['broker 1 unclean-leader-election warning', 'topic inherits replication-factor info', 'topic inherits unclean-leader-election info']);
      expect(rep.checks.find((c: any) => c.subjectType === 'broker' && c.check === 'unclean-leader-election').current).toMatch(/^true \(/);
    } finally {
      await other.close();
    }
  });

  it('an unreachable cluster exits 3 with one line on stderr', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const {port: p} = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const r = await runCli(['check', 'cluster', '-b', `127.0.0.1:${port}`, '--timeout', '2']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^Error: cannot check the cluster: cannot reach the Kafka broker at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. .+\\n$`));
  });
});
