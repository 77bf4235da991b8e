/**
 * Old-protocol producers against the embedded broker: kafka-python with api_version (0, 9) and
 * (0, 10) (magic 0 in Produce v1, magic 1 in Produce v2, plain and gzip), and librdkafka (kcat)
 * with api.version.request=false and broker.version.fallback=0.9.0 (magic 0 with gzip, snappy and
 * lz4, the last with the old frame header checksum; kafka-python here lacks snappy and lz4). Their messages are read back by a current client (kcat -C) and
 * must be stored as v2 batches. And the other way round, old-protocol consumers (kafka-python
 * api_version (0, 9) with Fetch v1, (0, 10) with Fetch v2; kcat with the 0.9.0 fallback) read what
 * a current producer (kcat) wrote, down-converted to magic 0/1 message sets. Skips with a message
 * when python3-kafka or kcat is missing.
 */
import {execFile, execFileSync} from 'node:child_process';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestBroker, TestBroker} from '../broker/helpers/broker.js';
import {readPartition} from './helpers.js';
import {KCAT, kcat} from './kcat-run.js';

const PYTHON = '/usr/bin/python3';
function hasKafkaPython(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import kafka'], {stdio: 'ignore'});
    return true;
  } catch {
    return false;
  }
}
const python = hasKafkaPython();
if (!python) console.warn('kafka-python is not installed (apt-get install python3-kafka): skipping its legacy produce test');
if (!KCAT) console.warn('kcat is not installed: skipping the legacy produce interop tests');

let tb: TestBroker;
const brokers = () => `127.0.0.1:${tb.broker.port}`;

/** Everything in partition 0 of `topic`, read with kcat (current protocol unless `extra` says otherwise): key, value, timestamp per line. */
async function consume(topic: string, extra: string[] = []): Promise<Array<{key: string; value: string; timestamp: number}>> {
  const {stdout} = await kcat(['-C', '-b', brokers(), '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k|%s|%T\\n', ...extra]);
  return stdout.trim().split('\n').map((line) => {
    const [key, value, timestamp] = line.split('|');
    return {key: key!, value: value!, timestamp: Number(timestamp)};
  });
}

/** Produce `count` key|value lines to partition 0 with kcat's current protocol (v2 batches). */
async function produceCurrent(topic: string, codec: string, count: number): Promise<void> {
  const input = Array.from({length: count}, (_, i) => `${codec}-k${i}|${codec}-v${i}`).join('\n') + '\n';
  await kcat(['-P', '-b', brokers(), '-t', topic, '-p', '0', '-K', '|', '-X', `compression.codec=${codec}`], input);
}

const OLD_KCAT = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0'];

describe.skipIf(!KCAT)('old-protocol producers (legacy message sets)', () => {
  beforeAll(async () => {
    tb = await startTestBroker();
  });
  afterAll(async () => tb?.cleanup());

  it.skipIf(!python)('kafka-python api_version (0, 9) and (0, 10), plain and gzip', async () => {
    await tb.broker.topics.createTopic('py-legacy', {numPartitions: 1, replicationFactor: 1, configs: {}});
    const script = path.join(__dirname, 'python/kafka_python_legacy.py');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, [script, brokers(), 'py-legacy'], {timeout: 90_000},
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const produced = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, {offsets: number[]; timestamps: number[]}>;
    const names = ['0.9-None', '0.9-gzip', '0.10-None', '0.10-gzip'];
    expect(Object.keys(produced)).toEqual(names);
    expect(names.flatMap((n) => produced[n]!.offsets)).toEqual(Array.from({length: 400}, (_, i) => i));

    const consumed = await consume('py-legacy');
    expect(consumed.map((m) => `${m.key}=${m.value}`)).toEqual(
      names.flatMap((n) => Array.from({length: 100}, (_, i) => `${n}-k${i}=${n}-v${i}`)));
    // Magic 0 has no timestamp; magic 1 keeps the producer's CreateTime.
    expect(new Set(consumed.slice(0, 200).map((m) => m.timestamp))).toEqual(new Set([-1]));
    expect(consumed.slice(200).map((m) => m.timestamp)).toEqual([...produced['0.10-None']!.timestamps, ...produced['0.10-gzip']!.timestamps]);
    const codecs = new Set<number>();
    await readPartition(tb.broker.port, 'py-legacy', 0, 0n, codecs);
    expect([...codecs].sort()).toEqual([0, 1]);
  });

  // librdkafka asks ApiVersions (and then sends magic 2) whenever the fallback is 0.10.0 or later:
  // only a 0.9 fallback makes it an old-protocol (magic 0, Produce v1) producer.
  it('kcat with api.version.request=false, broker.version.fallback=0.9.0: magic 0, gzip, snappy and lz4', async () => {
    const topic = 'kcat-legacy';
    await tb.broker.topics.createTopic(topic, {numPartitions: 1, replicationFactor: 1, configs: {}});
    const codecs = ['gzip', 'snappy', 'lz4'];
    for (const codec of codecs) {
      const input = Array.from({length: 50}, (_, i) => `${codec}-k${i}|${codec}-v${i}`).join('\n') + '\n';
      await kcat(['-P', '-b', brokers(), '-t', topic, '-p', '0', '-K', '|', '-X', 'api.version.request=false',
        '-X', 'broker.version.fallback=0.9.0', '-X', `compression.codec=${codec}`], input);
    }
    const consumed = await consume(topic);
    expect(consumed.map((m) => `${m.key}|${m.value}`)).toEqual(codecs.flatMap((c) => Array.from({length: 50}, (_, i) => `${c}-k${i}|${c}-v${i}`)));
    expect(new Set(consumed.map((m) => m.timestamp))).toEqual(new Set([-1]));
    const stored = new Set<number>();
    await readPartition(tb.broker.port, topic, 0, 0n, stored);
    // Each codec's message sets keep their codec when converted. librdkafka sends a set
    // uncompressed when compressing would not shrink it (a set of one or two messages, when kcat
    // reads stdin slower than it sends on a busy machine), so uncompressed batches may be there too.
    expect([...stored].filter((codec) => codec !== 0).sort()).toEqual([1, 2, 3]);
  });

  it.skipIf(!python)('kafka-python consumers api_version (0, 9) and (0, 10) read v2 batches down-converted to magic 0 and 1', async () => {
    const topic = 'py-down';
    await tb.broker.topics.createTopic(topic, {numPartitions: 1, replicationFactor: 1, configs: {}});
    // kafka-python here lacks snappy and lz4: plain and gzip (kcat covers the other codecs below).
    for (const codec of ['none', 'gzip']) await produceCurrent(topic, codec, 50);
    const current = await consume(topic);
    expect(current).toHaveLength(100);
    const script = path.join(__dirname, 'python/kafka_python_legacy_consume.py');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, [script, brokers(), topic, '100'], {timeout: 90_000},
        (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const read = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, [number, string | null, string | null, number | null][]>;
    for (const version of ['0.9', '0.10']) {
      const messages = read[version]!;
      expect(messages.map((m) => m[0]), version).toEqual(Array.from({length: 100}, (_, i) => i));
      expect(messages.map((m) => `${m[1]}|${m[2]}`)).toEqual(current.map((m) => `${m.key}|${m.value}`));
    }
    // Magic 0 (Fetch v1) has no timestamp; magic 1 (Fetch v2) carries the producer's CreateTime.
    expect(new Set(read['0.9']!.map((m) => m[3] ?? -1))).toEqual(new Set([-1]));
    expect(read['0.10']!.map((m) => m[3])).toEqual(current.map((m) => m.timestamp));
  });

  it('kcat with broker.version.fallback=0.9.0 reads gzip, snappy and lz4 batches as magic 0 wrappers', async () => {
    const topic = 'kcat-down';
    await tb.broker.topics.createTopic(topic, {numPartitions: 1, replicationFactor: 1, configs: {}});
    const codecs = ['none', 'gzip', 'snappy', 'lz4'];
    for (const codec of codecs) await produceCurrent(topic, codec, 50);
    const consumed = await consume(topic, OLD_KCAT);
    expect(consumed.map((m) => `${m.key}|${m.value}`)).toEqual(codecs.flatMap((c) => Array.from({length: 50}, (_, i) => `${c}-k${i}|${c}-v${i}`)));
    // Magic 0 has no timestamp, which librdkafka shows as 0.
    expect(new Set(consumed.map((m) => m.timestamp))).toEqual(new Set([0]));
  });
});
