/**
 * A fifth client implementation: sarama (Go; Debian's golang-github-shopify-sarama-dev, 1.22.1),
 * built from test/interop/go/sarama-client when golang-go and sarama are installed (.ci/run installs
 * them); skips with a message otherwise. sarama speaks fixed API versions chosen by its configured
 * Kafka version: V2_1_0_0 (Produce v3, Fetch v4, Metadata v5, CreateTopics v2 ...) and V0_10_2_0
 * (Produce v2 with magic-1 message sets, Fetch v3, Metadata v0 ...). It checks ClusterAdmin,
 * Sync/AsyncProducer with every acks mode and codec (and the idempotent producer), a
 * PartitionConsumer reading every record back byte-exact, offsets out of range, a two-member
 * ConsumerGroup with a rebalance and commits that survive a broker restart, the OffsetManager and
 * DeleteRecords.
 */
import {execFile, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {startTestBroker, TestBroker} from '../broker/helpers/broker.js';
import {readPartition} from './helpers.js';

const SARAMA_SRC = '/usr/share/gocode/src/github.com/Shopify/sarama';
function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], {stdio: 'ignore'});
    execFileSync('gcc', ['--version'], {stdio: 'ignore'}); // sarama's zstd binding is cgo
    return existsSync(SARAMA_SRC);
  } catch {
    return false;
  }
}
const available = hasGo();
if (!available) console.warn('go, gcc or sarama is not installed (apt-get install golang-go gcc golang-github-shopify-sarama-dev): skipping the sarama interop test');

const NEW = '2.1.0';
const OLD = '0.10.2.0';
const TOPIC = 'sarama';
const PARTITIONS = 4;
const BASE_TS = 1_700_000_000_000;

let tb: TestBroker;
let buildDir: string;
let binary: string;

/** Run a sarama-client subcommand; its stdout as parsed JSON lines. */
function sarama(sub: string, args: string[], version = NEW): Promise<any[]> {
  return new Promise((resolve, reject) => {
    execFile(binary, [sub, `-brokers=127.0.0.1:${tb.broker.port}`, `-version=${version}`, ...args],
      {timeout: 60_000, maxBuffer: 256 << 20}, (err, stdout, stderr) => {
        if (err) reject(new Error(`sarama-client ${sub} ${args.join(' ')}: ${err.message}\n${stderr}`));
        else resolve(stdout.trim().split('\n').map((line) => JSON.parse(line)));
      });
  });
}
const saramaLast = async (sub: string, args: string[], version = NEW) => (await sarama(sub, args, version)).at(-1);

/** Record i of run `tag`, the formula of main.go's record(); as a consumed JSON line would show it. */
function expected(tag: string, i: number, partition: number, offset: number, headers = true) {
  const value = i % 70 === 69 ? null : Buffer.from(Array.from({length: (i * 13) % 400}, (_, j) => (i * 7 + j * 31) & 0xff));
  const h: [string, string][] = [];
  if (headers && i % 3 === 0) h.push([b64('idx'), b64(String(i))], [b64('bin'), Buffer.from([i & 0xff, 0, 255]).toString('base64')]);
  if (headers && i % 3 === 2) h.push([b64('empty'), '']);
  return {p: partition, o: offset, k: i % 50 === 49 ? null : b64(`${tag}-${i}`), v: value?.toString('base64') ?? null, h, ts: BASE_TS + i};
}
function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

interface Run {tag: string; count: number; headers: boolean}
/** Per partition, the JSON lines a full read must return after `runs` were produced in order (record i to partition i % partitions). */
function expectedLog(runs: Run[], partitions: number): string[][] {
  const logs: string[][] = Array.from({length: partitions}, () => []);
  for (const run of runs) {
    for (let i = 0; i < run.count; i++) {
      const p = i % partitions;
      logs[p].push(JSON.stringify(expected(run.tag, i, p, logs[p].length, run.headers)));
    }
  }
  return logs;
}

/** The consumed JSON lines grouped per partition in offset order, re-serialized like expectedLog. */
function consumedLog(lines: any[], partitions: number): string[][] {
  const logs: any[][] = Array.from({length: partitions}, () => []);
  for (const l of lines) if (l.p !== undefined) logs[l.p].push(l);
  return logs.map((log) => log.sort((a, b) => a.o - b.o).map((l) => JSON.stringify({p: l.p, o: l.o, k: l.k, v: l.v, h: l.h, ts: l.ts})));
}

/** Compare two logs without asking vitest to diff 30,000 strings: the first differing line, if any. */
function expectSameLog(actual: string[][], wanted: string[][]): void {
  for (let p = 0; p < wanted.length; p++) {
    expect(actual[p].length, `partition ${p} record count`).toBe(wanted[p].length);
    const bad = wanted[p].findIndex((line, i) => actual[p][i] !== line);
    if (bad >= 0) expect(actual[p][bad], `partition ${p} offset ${bad}`).toBe(wanted[p][bad]);
  }
}

/** Check a produce run's acknowledged offsets: `count / partitions` consecutive offsets per partition from `from`. */
function expectOffsets(result: any, partitions: number, count: number, from: number): void {
  expect(result.errors).toEqual([]);
  for (let p = 0; p < partitions; p++) {
    expect(result.offsets[String(p)], `${result.tag} partition ${p}`).toEqual({count: count / partitions, first: from, last: from + count / partitions - 1, consecutive: true});
  }
}

describe.skipIf(!available)('sarama (Go) against the embedded broker', () => {
  beforeAll(async () => {
    buildDir = mkdtempSync(path.join(os.tmpdir(), 'kstream-sarama-'));
    binary = path.join(buildDir, 'sarama-client');
    // GOPATH mode, offline: sarama and its dependencies come from Debian's /usr/share/gocode. The
    // build cache is kept across runs (the cgo zstd binding takes seconds to compile).
    const env = {...process.env, GO111MODULE: 'off', GOFLAGS: '', GOPATH: `${path.join(buildDir, 'gopath')}:/usr/share/gocode`,
      GOCACHE: path.join(os.tmpdir(), 'kstream-sarama-gocache')};
    await new Promise<void>((resolve, reject) => {
      execFile('go', ['build', '-o', binary, '.'], {cwd: path.join(__dirname, 'go/sarama-client'), env, timeout: 180_000},
        (err, _out, stderr) => (err ? reject(new Error(`go build failed: ${err.message}\n${stderr}`)) : resolve()));
    });
    tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0'});
  }, 200_000);
  afterAll(async () => {
    await tb?.cleanup();
    if (buildDir) rmSync(buildDir, {recursive: true, force: true});
  });

  it('ClusterAdmin: CreateTopics (duplicate, invalid, validate-only), Metadata, CreatePartitions, Describe/AlterConfigs, DeleteTopics', async () => {
    const r = await saramaLast('admin', [`-topic=${TOPIC}`, '-partitions=2', `-grow=${PARTITIONS}`, '-delete=sarama-scratch']);
    expect(r.create).toBeNull();
    expect(r.createAgain.code).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(r.createAgain.msg).toContain(`Topic '${TOPIC}' already exists.`);
    expect(r.createBadPartitions.code).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(r.createValidateOnly).toBeNull();
    expect(r.cluster.brokers).toEqual([1]);
    const part = (id: number) => ({id, leader: 1, replicas: [1], isr: [1], err: 0});
    expect(r.describe).toEqual([
      {name: TOPIC, err: 0, internal: false, partitions: [part(0), part(1)]},
      {name: 'no-such-topic', err: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, internal: false, partitions: null},
    ]);
    expect(r.grow).toBeNull();
    expect(r.shrink.msg).toContain('Number of partitions is invalid'); // INVALID_PARTITIONS
    expect(r.growUnknown.msg).toContain('does not exist on this broker'); // UNKNOWN_TOPIC_OR_PARTITION
    expect(r.describeAfterGrow[0].partitions).toEqual([0, 1, 2, 3].map(part));
    const entry = (value: string, isDefault: boolean) => ({value, default: isDefault, readOnly: false, sensitive: false});
    expect(r.configs).toEqual({'retention.ms': entry('3600000', false), 'cleanup.policy': entry('delete', true), 'max.message.bytes': entry('1048588', true)});
    // AlterConfigs (not incremental) replaces the whole set: retention.ms goes back to its default.
    expect(r.alter).toBeNull();
    expect(r.configsAfterAlter).toEqual({'retention.ms': entry('604800000', true), 'cleanup.policy': entry('delete', true), 'max.message.bytes': entry('2000000', false)});
    expect(r.alterUnknown.msg).toContain('no.such.config');
    expect(r.alterInvalid.msg).toContain('segment.bytes');
    expect(r.configsAfterInvalid).toEqual(r.configsAfterAlter);
    expect(r.describeConfigsUnknown).not.toBeNull();
    // ListTopics: Metadata plus DescribeConfigs v0, whose is_default leaves only the override.
    expect(r.listed).toEqual({partitions: PARTITIONS, replication: 1, configs: {'max.message.bytes': '2000000'}});
    expect([r.createScratch, r.deleteScratch]).toEqual([null, null]);
    expect(r.deleteScratchAgain.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(r.topicsAfterDelete).toEqual([TOPIC]);
  });

  const runs: Run[] = [];
  it('produces with Sync/AsyncProducer, acks 1/all/0, every codec and idempotence; zstd in Produce v3 is refused', async () => {
    const cases: {args: string[]; count: number}[] = [
      {args: ['-codec=none', '-acks=1'], count: 10_000},
      {args: ['-codec=gzip', '-acks=all'], count: 4000},
      {args: ['-codec=snappy', '-acks=1'], count: 4000},
      {args: ['-codec=lz4', '-acks=all'], count: 4000},
      {args: ['-codec=gzip', '-acks=all', '-idempotent'], count: 4000},
      {args: ['-codec=snappy', '-acks=all', '-mode=sync'], count: 1000},
    ];
    let next = 0;
    for (const [n, c] of cases.entries()) {
      const tag = `run${n}`;
      const result = await saramaLast('produce', [`-topic=${TOPIC}`, `-partitions=${PARTITIONS}`, `-tag=${tag}`, `-count=${c.count}`, ...c.args]);
      expectOffsets(result, PARTITIONS, c.count, next);
      next += c.count / PARTITIONS;
      runs.push({tag, count: c.count, headers: true});
    }
    // acks=0: no answer, so no offsets; the read-back below proves they were appended.
    const noAcks = await saramaLast('produce', [`-topic=${TOPIC}`, `-partitions=${PARTITIONS}`, '-tag=noacks', '-count=2000', '-acks=0']);
    expect(noAcks.errors).toEqual([]);
    runs.push({tag: 'noacks', count: 2000, headers: true});
    // sarama 1.22 sends zstd in Produce v3; Kafka 3.x refuses it below v7 (KIP-110).
    for (const mode of ['async', 'sync']) {
      const zstd = await saramaLast('produce', [`-topic=${TOPIC}`, `-partitions=${PARTITIONS}`, '-tag=zstd', '-count=8', '-codec=zstd', `-mode=${mode}`]);
      expect(zstd.errors.map((e: {code: number}) => e.code)).toEqual(Array(8).fill(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE));
      expect(zstd.offsets).toEqual({});
    }
  });

  it('reads every record back byte-exact (keys, values, headers, timestamps) with a PartitionConsumer', async () => {
    const lines = await sarama('consume', [`-topic=${TOPIC}`]);
    const wanted = expectedLog(runs, PARTITIONS);
    expect(lines.at(-1)).toEqual({done: true, counts: Object.fromEntries(wanted.map((log, p) => [String(p), log.length]))});
    expectSameLog(consumedLog(lines, PARTITIONS), wanted);
    // And as stored, read through the project's own codec: what sarama sent is what the log holds.
    const stored = await readPartition(tb.broker.port, TOPIC, 1);
    const asLines = stored.map((r) => JSON.stringify({p: 1, o: Number(r.offset), k: r.key?.toString('base64') ?? null, v: r.value?.toString('base64') ?? null,
      h: r.headers.map((h) => [b64(h.key), h.value?.toString('base64') ?? null]), ts: Number(r.timestamp)}));
    expectSameLog([[], asLines], [[], wanted[1]]);
  });

  it('OffsetOldest, OffsetNewest, a middle offset, and out-of-range offsets (ErrOffsetOutOfRange)', async () => {
    const r = await saramaLast('offsets', [`-topic=${TOPIC}`]);
    const end = expectedLog(runs, PARTITIONS)[0].length;
    expect([r.oldest, r.newest]).toEqual([0, end]);
    expect(JSON.stringify(r.fromOldest)).toBe(expectedLog(runs, PARTITIONS)[0][0]);
    expect(JSON.stringify(r.fromMiddle)).toBe(expectedLog(runs, PARTITIONS)[0][Math.floor(end / 2)]);
    expect(r.producedAt).toBe(end);
    expect(r.fromNewest).toEqual(expected('newest', 0, 0, end));
    expect(r.pastEnd.error.code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(r.negative.error.code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    // The broker's own answer to a Fetch past the end; at the end: nothing, no error.
    expect(r['rawFetch@1000']).toEqual({err: ErrorCode.OFFSET_OUT_OF_RANGE, hwm: -1, recordSets: 0});
    expect(r['rawFetch@1']).toEqual({err: 0, hwm: end + 1, recordSets: 0});
    runs.push({tag: 'newest', count: 1, headers: true}); // record 0 of 'newest' went to partition 0
  });

  it('a ConsumerGroup of two members: rebalance, disjoint claims, commits; a restarted broker resumes the group from them', async () => {
    const total = runs.reduce((n, r) => n + r.count, 0);
    const more = 400;
    const lines = await sarama('group', [`-topic=${TOPIC}`, '-group=sarama-group', `-partitions=${PARTITIONS}`, `-expect=${total}`, `-more=${more}`]);
    const summary = lines.at(-1);
    expect(summary.duplicates).toBe(0);
    expect(summary.count).toBe(total + more);
    const [aFirst, aSecond] = summary.A;
    const [bFirst] = summary.B;
    expect(aFirst.claims).toEqual([0, 1, 2, 3]);
    expect(bFirst.generation).toBe(aSecond.generation);
    expect(bFirst.generation).toBeGreaterThan(aFirst.generation);
    expect(bFirst.memberId).not.toBe(aFirst.memberId);
    expect([...aSecond.claims, ...bFirst.claims].sort()).toEqual([0, 1, 2, 3]);
    expect(aSecond.claims.length).toBe(2); // the range assignor splits four partitions two and two
    // What moved to B starts at what A committed when it gave the partition up: the end of the log then.
    const ends = expectedLog(runs, PARTITIONS).map((log) => log.length);
    for (const p of bFirst.claims) expect(bFirst[`initial/${p}`]).toBe(ends[p]);
    runs.push({tag: 'group', count: more, headers: true});
    expectSameLog(consumedLog(lines.slice(0, -1), PARTITIONS), expectedLog(runs, PARTITIONS));

    const committed = await saramaLast('describe-group', [`-topic=${TOPIC}`, '-group=sarama-group']);
    expect(committed).toMatchObject({state: 'Empty', protocolType: 'consumer', members: 0, err: 0});
    expect(committed.groups['sarama-group']).toBe('consumer');
    expect(committed.committed).toEqual(committed.newest);
    expect(committed.metadata).toMatch(/^by [AB]$/);

    await tb.restart();
    const after = 200;
    expect((await saramaLast('produce', [`-topic=${TOPIC}`, `-partitions=${PARTITIONS}`, '-tag=after', `-count=${after}`])).errors).toEqual([]);
    const resumed = await sarama('group', [`-topic=${TOPIC}`, '-group=sarama-group', `-partitions=${PARTITIONS}`, `-expect=${after}`, '-members=1']);
    const session = resumed.at(-1).A[0];
    for (let p = 0; p < PARTITIONS; p++) expect(session[`initial/${p}`], `partition ${p}`).toBe(committed.committed[String(p)]);
    const before = expectedLog(runs, PARTITIONS);
    runs.push({tag: 'after', count: after, headers: true});
    const wanted = expectedLog(runs, PARTITIONS).map((log, p) => log.slice(before[p].length));
    expect(resumed.at(-1).count).toBe(after);
    const got = consumedLog(resumed.slice(0, -1), PARTITIONS);
    expectSameLog(got, wanted);
  });

  it('the OffsetManager commits a marked offset outside any group generation and reads it back', async () => {
    expect(await saramaLast('offset-manager', [`-topic=${TOPIC}`, '-group=sarama-om', '-mark=1234'])).toEqual({before: -2, after: 1234, metadata: 'marked by sarama'});
  });

  it('DeleteRecords moves the log start: OffsetOldest follows it, an offset below it is ErrOffsetOutOfRange', async () => {
    const r = await saramaLast('delete-records', [`-topic=${TOPIC}`, '-before=100']);
    expect(r.delete).toBeNull();
    expect(r.oldest).toBe(100);
    expect(JSON.stringify(r.fromOldest)).toBe(expectedLog(runs, PARTITIONS)[0][100]);
    expect(r.belowStart.error.code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('with Version V0_10_2_0: CreateTopics v0, Metadata v0, Produce v2 (magic 1, every codec), Fetch v3, a group', async () => {
    const topic = 'sarama-old';
    const admin = await saramaLast('admin', [`-topic=${topic}`, '-partitions=2', '-missing='], OLD);
    expect(admin.create).toBeNull();
    expect(admin.createAgain.code).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(admin.describe.map((t: {name: string; partitions: unknown[]}) => [t.name, t.partitions.length])).toEqual([[topic, 2]]);
    const oldRuns: Run[] = [];
    let next = 0;
    for (const [codec, mode] of [['none', 'async'], ['gzip', 'async'], ['snappy', 'async'], ['lz4', 'async'], ['gzip', 'sync']]) {
      const tag = `old-${codec}-${mode}`;
      const count = mode === 'sync' ? 200 : 1000;
      expectOffsets(await saramaLast('produce', [`-topic=${topic}`, '-partitions=2', `-tag=${tag}`, `-count=${count}`, `-codec=${codec}`, `-mode=${mode}`, '-acks=all'], OLD), 2, count, next);
      next += count / 2;
      oldRuns.push({tag, count, headers: false});
    }
    expectSameLog(consumedLog(await sarama('consume', [`-topic=${topic}`], OLD), 2), expectedLog(oldRuns, 2));
    const offsets = await saramaLast('offsets', [`-topic=${topic}`], OLD);
    expect(offsets.pastEnd.error.code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(offsets['rawFetch@1000'].err).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(offsets.fromNewest).toEqual(expected('newest', 0, 0, next, false));
    oldRuns.push({tag: 'newest', count: 1, headers: false});
    const total = oldRuns.reduce((n, r) => n + r.count, 0);
    const lines = await sarama('group', [`-topic=${topic}`, '-group=sarama-old-group', '-partitions=2', `-expect=${total}`, '-more=100'], OLD);
    const summary = lines.at(-1);
    expect([summary.count, summary.duplicates]).toEqual([total + 100, 0]);
    expect([...summary.A[1].claims, ...summary.B[0].claims].sort()).toEqual([0, 1]);
    oldRuns.push({tag: 'group', count: 100, headers: false});
    expectSameLog(consumedLog(lines.slice(0, -1), 2), expectedLog(oldRuns, 2));
  });
});
