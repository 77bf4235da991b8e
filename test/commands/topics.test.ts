import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Kafka, logLevel} from 'kafkajs';
import {brokerForCli, CliResult, runCli} from './cli-helpers.js';

let env: Awaited<ReturnType<typeof brokerForCli>>;
beforeAll(async () => {
  env = await brokerForCli();
});
afterAll(async () => env?.close());

const json = (r: CliResult) => {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('kstream topics against the embedded broker', () => {
  it('creates a topic with configs, refuses a duplicate, and --if-not-exists succeeds', async () => {
    const created = json(await env.cli(['topics', 'create', 'orders', '-p', '3', '-c', 'retention.ms=86400000', '-o', 'json']));
    expect(created).toMatchObject({name: 'orders', partitions: 3, replicationFactor: 1, outcome: 'created'});
    expect(env.broker.topics.get('orders')).toMatchObject({partitions: 3, configs: {'retention.ms': '86400000'}});

    const dup = await env.cli(['topics', 'create', 'orders', '-p', '3']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('Error: cannot create topic "orders": TOPIC_ALREADY_EXISTS (Topic \'orders\' already exists.)\n');
    const again = await env.cli(['topics', 'create', 'orders', '--if-not-exists']);
    expect(again).toMatchObject({code: 0, stdout: 'Topic "orders" already exists; nothing done.\n'});
  });

  it('takes the brokers as --bootstrap-server too, the name Kafka\'s own tools use', async () => {
    // KSTREAM_BROKERS points nowhere here, so only the flag can reach the broker.
    await env.broker.topics.createTopic('bootstrap-alias', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const address = `127.0.0.1:${env.broker.port}`;
    const listed = await env.cli(['topics', 'list', '--bootstrap-server', address, '-o', 'json', '--timeout', '2'], undefined, {KSTREAM_BROKERS: '127.0.0.1:1'});
    await env.broker.topics.deleteTopic('bootstrap-alias'); // the other tests list the topics
    expect(json(listed).map((t: {name: string}) => t.name)).toContain('bootstrap-alias');
    const both = await env.cli(['topics', 'list', '-b', address, '--bootstrap-server', address]);
    expect(both).toMatchObject({code: 2, stderr: 'Error: Flag --brokers can only be specified once\n'});
  });

  it('validates with --dry-run without creating, and reports bad names, factors and configs', async () => {
    const dry = await env.cli(['topics', 'create', 'dry', '-p', '2', '--dry-run']);
    expect(dry.stdout).toMatch(/^Dry run: the broker accepts topic "dry" with 2 partition/);
    expect(env.broker.topics.get('dry')).toBeUndefined();
    const [badName, badFactor, badConfig] = await Promise.all([
      env.cli(['topics', 'create', 'a/b']),
      env.cli(['topics', 'create', 'r3', '-r', '3']),
      env.cli(['topics', 'create', 'c', '-c', 'cleanup.policy=bogus']),
    ]);
    expect(badName.stderr).toMatch(/INVALID_TOPIC_EXCEPTION/);
    expect(badFactor.stderr).toMatch(/INVALID_REPLICATION_FACTOR \(Replication factor: 3 larger than available brokers: 1\.\)/);
    expect(badConfig.stderr).toMatch(/INVALID_CONFIG/);
    for (const r of [badName, badFactor, badConfig]) expect(r.code).toBe(1);
  });

  it('describes partitions with offsets and sizes that match what a producer wrote, in table and JSON alike', async () => {
    const kafka = new Kafka({brokers: [`127.0.0.1:${env.broker.port}`], logLevel: logLevel.NOTHING});
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({topic: 'orders', messages: Array.from({length: 5}, (_, i) => ({value: `v${i}`, partition: 1}))});
    await producer.disconnect();

    const [table, asJson] = await Promise.all([env.cli(['topics', 'describe', 'orders']), env.cli(['topics', 'describe', 'orders', '-o', 'json'])]);
    const [d] = json(asJson);
    expect(d.partitionDetails.map((p: any) => [p.partition, p.logStartOffset, p.highWatermark])).toEqual([[0, 0, 0], [1, 0, 5], [2, 0, 0]]);
    expect(d.partitionDetails[1].sizeBytes).toBe(env.broker.topics.getLog('orders', 1)!.sizeInBytes);
    expect(d.configs).toEqual([{name: 'retention.ms', value: '86400000', source: 'DYNAMIC_TOPIC_CONFIG', sensitive: false}]);
    const row = table.stdout.split('\n').find((l) => /^1\s/.test(l))!;
    expect(row.split(/\s{2,}/)).toEqual(['1', '1', '0', '1', '1', '-', '0', '5', `${d.partitionDetails[1].sizeBytes} B`]);
  });

  it('alters configs incrementally and reverts them', async () => {
    const r = await env.cli(['topics', 'alter-config', 'orders', '--set', 'max.message.bytes=2000000', '--delete', 'retention.ms']);
    expect(r.stdout).toBe('Topic "orders": set max.message.bytes=2000000; reverted retention.ms to its default.\n');
    expect(env.broker.topics.get('orders')!.configs).toEqual({'max.message.bytes': '2000000'});
  });

  it('adds partitions, refuses to shrink with a clear message, and warns about keyed records', async () => {
    const shrink = await env.cli(['topics', 'add-partitions', 'orders', '--total', '2']);
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toMatch(/has 3 partitions; Kafka cannot reduce the number of partitions/);
    const grow = await env.cli(['topics', 'add-partitions', 'orders', '--total', '4']);
    expect(grow.stdout).toMatch(/Increased topic "orders" from 3 to 4 partitions\.\nNote: records with keys will now map to different partitions/);
    expect(env.broker.topics.get('orders')!.partitions).toBe(4);
  });

  it('trims a partition before an offset and lists partitions', async () => {
    const trim = json(await env.cli(['topics', 'trim', 'orders', '--before-offset', '3', '-p', '1', '--yes', '-o', 'json']));
    expect(trim.partitions).toEqual([{partition: 1, lowWatermark: 3, error: null}]);
    expect(env.broker.topics.getLog('orders', 1)!.logStartOffset).toBe(3n);
    const parts = json(await env.cli(['partitions', 'list', 'orders', '-o', 'json']));
    expect(parts.map((p: any) => [p.partition, p.logStartOffset, p.highWatermark, p.underReplicated])).toEqual([[0, 0, 0, false], [1, 3, 5, false], [2, 0, 0, false], [3, 0, 0, false]]);
    expect(json(await env.cli(['partitions', 'list', '--under-replicated', '-o', 'json']))).toEqual([]);
  });

  it('lists topics (a table, its headers bold when colour is on), and deletes only with confirmation', async () => {
    expect(json(await env.cli(['topics', 'list', '-o', 'json'])).map((t: any) => t.name)).toEqual(['orders']);
    const header = 'NAME    PARTITIONS  REPLICAS  INTERNAL';
    expect(await env.cli(['topics', 'list'])).toEqual({code: 0, stderr: '', stdout: `${header}\norders  4           1         no\n`});
    // chalk is imported only for coloured output (BaseCommand.init), before the table is drawn.
    const coloured = await env.cli(['topics', 'list'], undefined, {NO_COLOR: '', FORCE_COLOR: '1'});
    expect(coloured.stdout.split('\n')[0]).toBe(header.replace(/[A-Z]+/g, (h) => `\u001b[1m${h}\u001b[22m`));
    const refused = await env.cli(['topics', 'delete', 'orders']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(env.broker.topics.get('orders')).toBeDefined();
    const deleted = await env.cli(['topics', 'delete', 'orders', '--yes']);
    expect(deleted.stdout).toBe('Deleted topic(s): orders.\n');
    expect(env.broker.topics.get('orders')).toBeUndefined();
    const unknown = await env.cli(['topics', 'describe', 'orders']);
    expect(unknown).toMatchObject({code: 1, stderr: 'Error: topic "orders" does not exist. List topics with `kstream topics list`\n'});
  });
});

describe('kstream with no broker to talk to', () => {
  it('fails within the timeout with one clear line', async () => {
    const started = Date.now();
    const r = await runCli(['topics', 'list', '-b', '127.0.0.1:1', '--timeout', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot reach the Kafka broker at 127\.0\.0\.1:1 \(ECONNREFUSED\)\. .*\n$/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
