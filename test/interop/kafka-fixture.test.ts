/**
 * A data dir written by Apache Kafka 3.1.0 (ZooKeeper mode) served by kstream: the topics are
 * adopted from the partition directories and their partition.metadata, meta.properties is kept,
 * and cities-0 is consumed with kcat (or the project's codec when kcat is absent).
 */
import {closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, truncateSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {decodeBatch, iterateBatches} from '../../src/records/batch.js';
import {startTestBroker, TestBroker} from '../broker/helpers/broker.js';
import {readPartition} from './helpers.js';
import {KCAT, kcat} from './kcat-run.js';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/kafka-logs');
const FIXTURE = path.join(FIXTURES, 'kafka-3.1.0-zk');
const present = existsSync(FIXTURE);
if (!present) console.warn(`skipping the Kafka data dir tests: ${FIXTURES} is missing`);

/** Copy a fixture and recreate the all-zero preallocated indexes Kafka had (see the fixtures README). */
function copyFixture(source = FIXTURE): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-kafka-'));
  cpSync(source, dir, {recursive: true});
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    if (!entry.isDirectory()) continue;
    for (const file of readdirSync(path.join(dir, entry.name))) {
      if (!file.endsWith('.log')) continue;
      const base = path.join(dir, entry.name, file.slice(0, -'.log'.length));
      for (const [suffix, size] of [['.index', 10485760], ['.timeindex', 10485756]] as const) {
        closeSync(openSync(base + suffix, 'a'));
        truncateSync(base + suffix, size);
      }
    }
  }
  return dir;
}

/** The records of a segment file, decoded by the project's own codec. */
async function recordsOf(file: string): Promise<{key: string | null; value: string | null}[]> {
  const log = readFileSync(file);
  const out: {key: string | null; value: string | null}[] = [];
  for (const entry of iterateBatches(log)) {
    for (const r of (await decodeBatch(log, entry.position)).records) {
      out.push({key: r.key?.toString() ?? null, value: r.value?.toString() ?? null});
    }
  }
  return out;
}

describe.skipIf(!present)('a Kafka 3.1.0 data dir', () => {
  let dir: string;
  let tb: TestBroker;
  let expected: {key: string | null; value: string | null}[];

  beforeAll(async () => {
    dir = copyFixture();
    expected = await recordsOf(path.join(FIXTURE, 'cities-0', '00000000000000000000.log'));
    tb = await startTestBroker({}, dir);
  });
  afterAll(async () => {
    await tb?.cleanup();
    if (dir) rmSync(dir, {recursive: true, force: true});
  });

  it('adopts the topics with their ids and keeps the cluster id', () => {
    expect(tb.broker.clusterId).toBe('P4mWrUMKRvm3AylnZYNBaQ');
    expect(tb.broker.nodeId).toBe(0);
    expect(tb.broker.topics.get('cities')).toMatchObject({topicId: 'Yjwa-XTYSF28JSz9pdcuyw', partitions: 1, internal: false});
    expect(tb.broker.topics.get('__consumer_offsets')).toMatchObject({partitions: 50, internal: true});
    expect(tb.broker.topics.getLog('cities', 0)!.logEndOffset).toBe(11n);
  });

  it('serves cities-0 through the codec', async () => {
    expect(expected).toHaveLength(11);
    const records = await readPartition(tb.broker.port, 'cities', 0);
    expect(records.map((r) => ({key: r.key?.toString() ?? null, value: r.value?.toString() ?? null}))).toEqual(expected);
  });

  it.skipIf(!KCAT)('is consumed by kcat', async () => {
    const {stdout} = await kcat(['-C', '-b', `127.0.0.1:${tb.broker.port}`, '-t', 'cities', '-p', '0', '-o', 'beginning', '-e', '-f', '%o %s\\n']);
    expect(stdout.trim().split('\n')).toEqual(expected.map((r, i) => `${i} ${r.value}`));
  });
});

describe.skipIf(!present)('a Kafka 2.8.0 data dir with snappy (xerial) batches', () => {
  const source = path.join(FIXTURES, 'kafka-2.8.0-zk');
  let dir: string;
  let tb: TestBroker;

  beforeAll(async () => {
    dir = copyFixture(source);
    tb = await startTestBroker({}, dir);
  });
  afterAll(async () => {
    await tb?.cleanup();
    if (dir) rmSync(dir, {recursive: true, force: true});
  });

  it('serves some-topic-0 as Kafka stored it', async () => {
    expect(tb.broker.clusterId).toBe('3d1XOGWUQq-2TaCwWvBALA');
    const expected = await recordsOf(path.join(source, 'some-topic-0', '00000000000000000000.log'));
    expect(expected).toHaveLength(9);
    const codecs = new Set<number>();
    const served = await readPartition(tb.broker.port, 'some-topic', 0, 0n, codecs);
    expect(served.map((r) => ({key: r.key?.toString() ?? null, value: r.value?.toString() ?? null}))).toEqual(expected);
    expect([...codecs]).toEqual([2]);
    if (KCAT) {
      const {stdout} = await kcat(['-C', '-b', `127.0.0.1:${tb.broker.port}`, '-t', 'some-topic', '-p', '0', '-o', 'beginning', '-e', '-f', '%s\\n']);
      expect(stdout.trim().split('\n')).toEqual(expected.map((r) => r.value));
    }
  });
});
