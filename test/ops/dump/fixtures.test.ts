/**
 * Real Kafka log directories (../shared/fixtures/kafka-logs, written by Kafka 2.8.0 and 3.1.0)
 * dump exactly to their expected kafka-dump-log.sh output; skipped when the folder is missing.
 */
import {readFileSync, readdirSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, it} from 'vitest';
import {dump, FIXTURES, haveFixtures} from './helpers.js';

function expectedDumps(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...expectedDumps(path));
    else if (name.endsWith('.expected-shallow-dump.txt')) out.push(path);
  }
  return out;
}

describe.skipIf(!haveFixtures)('dump of real Kafka segments', () => {
  const cases = haveFixtures ? expectedDumps(FIXTURES) : [];

  it('finds the expected dumps', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7);
  });

  for (const expectedFile of cases) {
    const log = expectedFile.replace(/\.expected-shallow-dump\.txt$/, '');
    it(`shallow dump of ${relative(FIXTURES, log)} matches kafka-dump-log.sh`, async () => {
      // The expected text names the file relative to kafka-logs/; the tool prints the path as given.
      const expected = readFileSync(expectedFile, 'utf8').replace(`Dumping ${relative(FIXTURES, log)}\n`, `Dumping ${log}\n`);
      const {stdout, stderr, errors} = await dump([log]);
      expect(stdout.join('\n') + '\n').toBe(expected);
      expect(stderr).toEqual([]);
      expect(errors).toBe(0);
    });
  }

  it('deep iteration with --print-data-log decodes every record of the snappy segment', async () => {
    const {stdout, stderr} = await dump([join(FIXTURES, 'kafka-2.8.0-zk/some-topic-0/00000000000000000000.log')], {printDataLog: true});
    const records = stdout.filter((l) => l.startsWith('| offset: '));
    expect(records).toHaveLength(9);
    expect(records.map((l) => /^\| offset: (\d+) /.exec(l)![1])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    expect(records[0]).toBe('| offset: 0 CreateTime: 1641710433813 keySize: 57 valueSize: 30 sequence: -1 headerKeys: [__Key_TypeId__]' +
      ' key: {"customerId":"12334568","transactionDate":1641710432019} payload: {"item":"book","price":"23.9"}');
    expect(stdout.filter((l) => l.includes('compresscodec: snappy') && l.endsWith('isvalid: true'))).toHaveLength(9);
    expect(stderr).toEqual([]);
  });

  it('--deep-iteration alone prints record metadata without contents', async () => {
    const {stdout} = await dump([join(FIXTURES, 'kafka-2.8.0-zk/some-topic-0/00000000000000000000.log')], {deepIteration: true});
    const first = stdout.find((l) => l.startsWith('| offset: 0 '));
    expect(first).toBe('| offset: 0 CreateTime: 1641710433813 keySize: 57 valueSize: 30 sequence: -1 headerKeys: [__Key_TypeId__]');
  });

  it('--offsets-decoder shows group metadata and offset commits as Kafka 3.8+ JSON', async () => {
    const {stdout, stderr} = await dump([join(FIXTURES, 'kafka-2.8.0-zk/__consumer_offsets-16/00000000000000000000.log')], {offsetsDecoder: true});
    const records = stdout.filter((l) => l.startsWith('| offset: '));
    expect(records).toHaveLength(69);
    expect(records[1]).toBe('| offset: 1 CreateTime: 1641705888549 keySize: 43 valueSize: 24 sequence: 0 headerKeys: []' +
      ' key: {"type":"1","data":{"group":"simple-consumer-example","topic":"test-topic","partition":0}}' +
      ' payload: {"version":"3","data":{"offset":0,"leaderEpoch":-1,"metadata":"","commitTimestamp":1641705888545}}');
    const group = records[0]!;
    expect(group).toContain(' key: {"type":"2","data":{"group":"simple-consumer-example"}} payload: {"version":"3","data":{"protocolType":"consumer","generation":1,"protocol":"range",');
    // Consumer-protocol members show their decoded subscription and assignment.
    expect(group).toContain('"subscription":{"topics":["test-topic"],"userData":null,"ownedPartitions":[]}');
    expect(group).toContain('"assignment":{"assignedPartitions":[{"topic":"test-topic","partitions":[0]}],"userData":null}');
    expect(records.every((l) => !l.includes('Error at offset') && !l.includes('Unknown record type'))).toBe(true);
    expect(stderr).toEqual([]);
  });

  it('dumps checkpoints, leader-epoch-checkpoint, partition.metadata and the empty producer snapshot', async () => {
    const base = join(FIXTURES, 'kafka-3.1.0-zk');
    const {stdout, errors} = await dump([
      join(base, 'replication-offset-checkpoint'), join(base, 'cities-0/leader-epoch-checkpoint'),
      join(base, 'cities-0/partition.metadata'), join(base, 'cleaner-offset-checkpoint'),
      join(FIXTURES, 'kafka-2.8.0-zk/__consumer_offsets-16/00000000000000000022.snapshot'),
    ]);
    expect(errors).toBe(0);
    expect(stdout).toContain('replication-offset-checkpoint version: 0 entries: 51');
    expect(stdout).toContain('topic: __consumer_offsets partition: 0 offset: 2');
    expect(stdout).toContain('leader-epoch-checkpoint version: 0 entries: 1');
    expect(stdout).toContain('epoch: 0 startOffset: 0');
    expect(stdout).toContain('version: 0 topicId: Yjwa-XTYSF28JSz9pdcuyw');
    expect(stdout).toContain('cleaner-offset-checkpoint version: 0 entries: 0');
    // An empty snapshot prints only its Dumping line.
    expect(stdout[stdout.length - 1]).toMatch(/Dumping .*00000000000000000022\.snapshot$/);
  });
});
