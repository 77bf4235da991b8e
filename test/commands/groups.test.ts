import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Consumer, Kafka, logLevel} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {brokerForCli, CliResult} from './cli-helpers.js';

let env: Awaited<ReturnType<typeof brokerForCli>>;
let kafka: Kafka;
let tmp: string;

const json = (r: CliResult) => {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

/** Committed offsets of a group as the broker holds them, partition -> offset. */
async function committed(group: string, topic = 'orders'): Promise<Record<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const [t] = await admin.fetchOffsets({groupId: group, topics: [topic]});
  await admin.disconnect();
  return Object.fromEntries(t.partitions.map((p) => [p.partition, Number(p.offset)]));
}

/** A consumer that reads until it has `count` records, commits, and stays in the group. */
async function consumeAndStay(group: string, count: number): Promise<Consumer> {
  const consumer = kafka.consumer({groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500});
  await consumer.connect();
  await consumer.subscribe({topic: 'orders', fromBeginning: true});
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({partition, message}) => {
        await consumer.commitOffsets([{topic: 'orders', partition, offset: String(Number(message.offset) + 1)}]);
        if (++seen === count) resolve();
      },
    });
  });
  return consumer;
}

beforeAll(async () => {
  env = await brokerForCli();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'kstream-groups-'));
  kafka = new Kafka({brokers: [`127.0.0.1:${env.broker.port}`], logLevel: logLevel.NOTHING});
  await env.broker.topics.createTopic('orders', {numPartitions: 3, replicationFactor: 1, configs: {}});
  const producer = kafka.producer();
  await producer.connect();
  for (let p = 0; p < 3; p++) {
    await producer.send({topic: 'orders', messages: Array.from({length: 10}, (_, i) => ({value: `p${p}-${i}`, partition: p}))});
  }
  await producer.disconnect();
});
afterAll(async () => {
  await env?.close();
  await rm(tmp, {recursive: true, force: true});
});

describe('kstream groups against the embedded broker', () => {
  it('describes an active group with Kafka\'s columns, refuses to reset it naming the member, then resets once it stops', async () => {
    const consumer = await consumeAndStay('billing', 30);
    try {
      const [view] = json(await env.cli(['groups', 'describe', 'billing', '-o', 'json']));
      expect(view.state).toBe('Stable');
      expect(view.members).toHaveLength(1);
      expect(view.offsets.map((r: any) => [r.partition, r.currentOffset, r.logEndOffset, r.lag])).toEqual([[0, 10, 10, 0], [1, 10, 10, 0], [2, 10, 10, 0]]);
      const table = await env.cli(['groups', 'describe', 'billing']);
      expect(table.stdout.split('\n')[0].split(/\s{2,}/)).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-START-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
      expect(table.stdout).toMatch(/Total lag: 0 \(orders=0\)/);
      const members = await env.cli(['groups', 'describe', 'billing', '--members']);
      expect(members.stdout).toMatch(/orders-0,orders-1,orders-2/);

      const refused = await env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-earliest', '--execute']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`group "billing" is Stable with 1 active member(s): ${view.members[0].consumerId}`);
      expect(refused.stderr).toMatch(/stop its consumers/);
      expect(await committed('billing')).toEqual({0: 10, 1: 10, 2: 10});
    } finally {
      await consumer.disconnect();
    }
    const list = json(await env.cli(['groups', 'list', '--state', 'Empty', '-o', 'json']));
    expect(list).toEqual([{groupId: 'billing', protocolType: 'consumer', state: 'Empty'}]);
  });

  it('shows a plan without --execute and changes nothing', async () => {
    const plan = json(await env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--shift-by', '-4', '-o', 'json']));
    expect(plan.executed).toBe(false);
    expect(plan.rows.map((r: any) => [r.partition, r.currentOffset, r.newOffset, r.lagBefore, r.lagAfter])).toEqual([[0, 10, 6, 0, 4], [1, 10, 6, 0, 4], [2, 10, 6, 0, 4]]);
    const table = await env.cli(['groups', 'reset-offsets', 'billing', '--topic', 'orders:1', '--to-offset', '99']);
    expect(table.stdout).toMatch(/billing\s+orders\s+1\s+10\s+10\s+0\s+0\s+clamped to log end/);
    expect(table.stdout).toMatch(/Dry run \(offset 99\): nothing was changed\. Add --execute/);
    // --dry-run, as kafka-consumer-groups.sh scripts say it, is the same plan; with --execute it is refused.
    const dry = json(await env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--shift-by', '-4', '--dry-run', '-o', 'json']));
    expect(dry).toEqual(plan);
    const both = await env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-earliest', '--dry-run', '--execute']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--dry-run=true cannot also be provided when using --execute/);
    expect(await committed('billing')).toEqual({0: 10, 1: 10, 2: 10});
  });

  it('exports a plan, reads it back and executes exactly the planned partitions', async () => {
    const file = path.join(tmp, 'plan.csv');
    json(await env.cli(['groups', 'reset-offsets', 'billing', '--topic', 'orders:0,2', '--to-earliest', '--export', file, '-o', 'json']));
    expect(await readFile(file, 'utf8')).toBe('orders,0,0\norders,2,0\n');
    const done = json(await env.cli(['groups', 'reset-offsets', 'billing', '--from-file', file, '--execute', '-o', 'json']));
    expect(done.executed).toBe(true);
    expect(await committed('billing')).toEqual({0: 0, 1: 10, 2: 0});
    const shifted = await env.cli(['groups', 'reset-offsets', 'billing', '--topic', 'orders:1', '--shift-by', '-3', '--execute']);
    expect(shifted.stdout).toMatch(/Reset 1 partition\(s\) of group "billing" \(shift by -3\)\./);
    expect(await committed('billing')).toEqual({0: 0, 1: 7, 2: 0});
  });

  it('resets by date-time and duration, and copies another group\'s offsets', async () => {
    json(await env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--by-duration', 'PT1H', '--execute', '-o', 'json']));
    expect(await committed('billing')).toEqual({0: 0, 1: 0, 2: 0});
    json(await env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-datetime', '2100-01-01T00:00:00Z', '--execute', '-o', 'json']));
    expect(await committed('billing')).toEqual({0: 10, 1: 10, 2: 10});
    json(await env.cli(['groups', 'reset-offsets', 'audit', '--topic', 'orders', '--to-offset', '5', '--execute', '-o', 'json']));
    json(await env.cli(['groups', 'reset-offsets', 'billing', '--to-group', 'audit', '--execute', '-o', 'json']));
    expect(await committed('billing')).toEqual({0: 5, 1: 5, 2: 5});
  });

  it('rejects bad input with one clear line and changes nothing', async () => {
    const bad = path.join(tmp, 'bad.csv');
    await writeFile(bad, 'orders,0,1\norders,one,2\n');
    const results = await Promise.all([
      env.cli(['groups', 'reset-offsets', 'billing', '--from-file', bad, '--execute']),
      env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-datetime', 'yesterday', '--execute']),
      env.cli(['groups', 'reset-offsets', 'billing', '--all-topics', '--by-duration', '1h', '--execute']),
      env.cli(['groups', 'reset-offsets', 'billing', '--to-earliest']),
      env.cli(['groups', 'describe', 'nobody']),
    ]);
    expect(results[0].stderr).toBe(`Error: ${bad}:2: partition is not a number: "orders,one,2". Each line must be topic,partition,offset\n`);
    expect(results[1].stderr).toMatch(/^Error: invalid date-time "yesterday"/);
    expect(results[2].stderr).toMatch(/^Error: invalid duration "1h"/);
    expect(results[3].stderr).toMatch(/^Error: say which partitions of group "billing" to reset\. Pass --all-topics or --topic/);
    expect(results[4].stderr).toBe('Error: consumer group "nobody" does not exist. List groups with `kstream groups list`\n');
    for (const r of results) {
      expect(r.code).not.toBe(0);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
    expect(await committed('billing')).toEqual({0: 5, 1: 5, 2: 5});
  });

  it('deletes offsets and groups', async () => {
    const deleted = json(await env.cli(['groups', 'delete-offsets', 'billing', '--topic', 'orders:2', '-o', 'json']));
    expect(deleted).toEqual([{group: 'billing', topic: 'orders', partition: 2, deleted: true, error: null}]);
    expect(await committed('billing')).toEqual({0: 5, 1: 5, 2: -1});
    expect(json(await env.cli(['groups', 'delete', 'billing', 'audit', '--yes', '-o', 'json']))).toEqual([
      {group: 'billing', deleted: true, error: null}, {group: 'audit', deleted: true, error: null},
    ]);
    expect(json(await env.cli(['groups', 'list', '-o', 'json']))).toEqual([]);
  });
});
