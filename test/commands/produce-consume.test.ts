/**
 * kstream produce and consume run as a user would (child processes over bin/dev.js) against the
 * embedded broker, with bytes compared exactly; kcat cross-checks when it is installed.
 */
import {spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Broker, startBroker} from '../../src/index.js';
import {readPartition} from '../interop/helpers.js';
import {KCAT, kcat} from '../interop/kcat-run.js';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

interface Cluster {
  broker: Broker;
  run: (args: string[], input?: Buffer | string) => Promise<Run>;
  /** Start the CLI and hand back the process, for signals. */
  start: (args: string[]) => ReturnType<typeof spawn>;
  close: () => Promise<void>;
}

async function cluster(config: Record<string, string> = {}): Promise<Cluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-prodcons-'));
  const broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined, config});
  const env = {...process.env, NO_COLOR: '1', KSTREAM_BROKERS: `127.0.0.1:${broker.port}`, KSTREAM_CONFIG_DIR: path.join(dir, 'config')};
  const start = (args: string[]) => spawn(process.execPath, [path.join(ROOT, 'bin/dev.js'), ...args], {env, stdio: ['pipe', 'pipe', 'pipe']});
  const run = (args: string[], input?: Buffer | string) => new Promise<Run>((resolve, reject) => {
    const child = start(args);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString()}));
    child.stdin!.end(input ?? '');
  });
  return {broker, run, start, close: async () => {
    await broker.stop();
    await rm(dir, {recursive: true, force: true});
  }};
}

const ok = (r: Run): string => {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.toString();
};
const jsonOf = (r: Run) => JSON.parse(ok(r));
const jsonLines = (r: Run) => ok(r).split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** Deterministic bytes for values: everything but the record delimiter 0x1e. */
function binaryValue(seed: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const byte = (x >>> 16) & 0xff;
    b[i] = byte === 0x1e ? 0x1f : byte;
  }
  return b;
}

let env: Cluster;
beforeAll(async () => {
  env = await cluster({'auto.create.topics.enable': 'false'});
});
afterAll(async () => env?.close());

describe('kstream produce and consume', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('round-trips keys, binary values and headers byte-exact with %s', async (codec) => {
    const topic = `codec-${codec}`;
    ok(await env.run(['topics', 'create', topic, '-p', '2']));
    const records = Array.from({length: 60}, (_, i) => ({key: Buffer.from(`key${i % 7}`), value: binaryValue(i, 1 + (i * 37) % 300)}));
    const input = Buffer.concat(records.flatMap((r) => [r.key, Buffer.from('='), r.value, Buffer.from([0x1e])]));
    const summary = jsonOf(await env.run(['produce', topic, '-K', '=', '--delimiter', '\\x1e', '-z', codec, '-H', 'src=test', '-H', 'src=again', '-H', 'empty=', '-o', 'json'], input));
    expect(summary).toMatchObject({topic, records: 60, compression: codec, acks: 'all', autoCreated: false});
    expect(summary.bytes).toBe(records.reduce((n, r) => n + r.key.length + r.value.length, 0) + 60 * 'srctestsrcagainempty'.length);
    expect(summary.partitions.reduce((n: number, p: any) => n + p.records, 0)).toBe(60);

    const got = jsonLines(await env.run(['consume', topic, '-e', '-o', 'json', '--encoding', 'base64']));
    expect(got).toHaveLength(60);
    for (const p of summary.partitions) {
      const mine = got.filter((r: any) => r.partition === p.partition);
      expect(mine.map((r: any) => r.offset)).toEqual(Array.from({length: p.records}, (_, i) => p.firstOffset + i));
      expect(mine.at(-1).offset).toBe(p.lastOffset);
    }
    // Per key, the records arrive in the order they were written, on one partition.
    for (let k = 0; k < 7; k++) {
      const key = Buffer.from(`key${k}`).toString('base64');
      const mine = got.filter((r: any) => r.key === key);
      expect(new Set(mine.map((r: any) => r.partition)).size).toBe(1);
      expect(mine.map((r: any) => r.value)).toEqual(records.filter((r) => r.key.toString() === `key${k}`).map((r) => r.value.toString('base64')));
    }
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(got[0].headers).toEqual([{key: 'src', value: b64('test')}, {key: 'src', value: b64('again')}, {key: 'empty', value: ''}]);

    // The broker stored batches in the codec asked for.
    const codecs = new Set<number>();
    for (const p of summary.partitions) await readPartition(env.broker.port, topic, p.partition, 0n, codecs);
    expect([...codecs]).toEqual([['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(codec)]);

    // With the default utf8 encoding, -f %s writes the raw bytes.
    const raw = await env.run(['consume', topic, '-e', '-p', String(summary.partitions[0].partition), '-f', '%R%s']);
    expect(raw.code).toBe(0);
    const values: Buffer[] = [];
    for (let pos = 0; pos < raw.stdout.length;) {
      const len = raw.stdout.readInt32BE(pos);
      values.push(raw.stdout.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    expect(values.map((v) => v.toString('base64'))).toEqual(got.filter((r: any) => r.partition === summary.partitions[0].partition).map((r: any) => r.value));
  });

  it('starts --from an offset, N before the end, a time or the end, stops after -n, and reads chosen partitions', async () => {
    ok(await env.run(['topics', 'create', 'positions', '-p', '2']));
    const t1 = Date.UTC(2024, 4, 1, 12);
    const t2 = Date.UTC(2024, 4, 2, 12);
    ok(await env.run(['produce', 'positions', '-p', '0', '--timestamp', '2024-05-01T12:00:00Z'], 'a\nb\nc\n'));
    ok(await env.run(['produce', 'positions', '-p', '0', '--timestamp', String(t2)], 'd\ne\nf\n'));
    ok(await env.run(['produce', 'positions', '-p', '1'], 'other\n'));
    const fmt = ['-f', '%p:%o:%s:%T\\n'];
    const lines = async (...args: string[]) => ok(await env.run(['consume', 'positions', ...args])).split('\n').filter(Boolean);

    const [fromOffset, beforeEnd, atTime, atEnd, counted, clamped] = await Promise.all([
      lines('-p', '0', '--from', '4', '-e', ...fmt),
      lines('-p', '0', '--from', '-2', '-e', ...fmt),
      lines('-p', '0', '--from', '2024-05-01T13:00:00Z', '-e', ...fmt),
      lines('--from', 'end', '-e', ...fmt),
      lines('-p', '0', '-n', '2', ...fmt),
      lines('-p', '0', '--from', '999', '-e', ...fmt),
    ]);
    expect(fromOffset).toEqual([`0:4:e:${t2}`, `0:5:f:${t2}`]);
    expect(beforeEnd).toEqual([`0:4:e:${t2}`, `0:5:f:${t2}`]);
    expect(atTime).toEqual([`0:3:d:${t2}`, `0:4:e:${t2}`, `0:5:f:${t2}`]);
    expect(atEnd).toEqual([]);
    expect(counted).toEqual([`0:0:a:${t1}`, `0:1:b:${t1}`]);
    expect(clamped).toEqual([]);
    expect((await lines('-e', '-p', '1', '-p', '0', '-f', '%p%s ')).join('')).toMatch(/^(0a 0b 0c 0d 0e 0f 1other |1other 0a 0b 0c 0d 0e 0f )$/);
  });

  it('renders kcat-style format strings, YAML documents and hex', async () => {
    ok(await env.run(['topics', 'create', 'fmt', '-p', '1']));
    ok(await env.run(['produce', 'fmt', '-k', 'K', '-H', 'a=1', '-H', 'b=2', '--timestamp', '1700000000000'], 'hello\n'));
    expect(ok(await env.run(['consume', 'fmt', '-e', '-f', '%t/%p/%o %k=%s (%K,%S) [%h] %T 100%%\\n']))).toBe('fmt/0/0 K=hello (1,5) [a=1,b=2] 1700000000000 100%\n');
    expect(ok(await env.run(['consume', 'fmt', '-e', '-f', '%k:%s\\n', '--encoding', 'hex']))).toBe('4b:68656c6c6f\n');
    expect(ok(await env.run(['consume', 'fmt', '-e', '-o', 'yaml']))).toBe([
      '---', 'topic: fmt', 'partition: 0', 'offset: 0', 'timestamp: 1700000000000', 'timestampType: create', 'key: K', 'value: hello',
      'headers:', '  - key: a', '    value: "1"', '  - key: b', '    value: "2"', ''].join('\n'));
    ok(await env.run(['produce', 'fmt', '-K', ':', '-Z'], 'gone:\nkept:v\n'));
    const [tombstone, kept] = jsonLines(await env.run(['consume', 'fmt', '--from', '1', '-e', '-o', 'json']));
    expect([tombstone.key, tombstone.value, kept.key, kept.value]).toEqual(['gone', null, 'kept', 'v']);
    expect(ok(await env.run(['consume', 'fmt', '--from', '1', '-n', '1', '-f', '%k %S\\n']))).toBe('gone -1\n');
  });

  it('with --group commits exactly what was printed and continues there; without a group commits nothing', async () => {
    ok(await env.run(['topics', 'create', 'grp', '-p', '2']));
    ok(await env.run(['produce', 'grp', '-K', ':'], 'a:1\nb:2\nc:3\nd:4\ne:5\nf:6\n'));
    ok(await env.run(['consume', 'grp', '-e']));
    expect(jsonOf(await env.run(['groups', 'list', '-o', 'json']))).toEqual([]);

    const first = ok(await env.run(['consume', 'grp', '--group', 'billing', '-n', '4', '-f', '%p:%o\\n'])).split('\n').filter(Boolean);
    expect(first).toHaveLength(4);
    const committed = async () => {
      const [g] = jsonOf(await env.run(['groups', 'describe', 'billing', '-o', 'json']));
      return Object.fromEntries(g.offsets.map((o: any) => [o.partition, o.currentOffset]));
    };
    const expected: Record<number, number> = {};
    for (const l of first) {
      const [p, o] = l.split(':').map(Number);
      expected[p!] = Math.max(expected[p!] ?? 0, o! + 1);
    }
    expect(await committed()).toEqual(expected);

    const rest = ok(await env.run(['consume', 'grp', '--group', 'billing', '-e', '-f', '%p:%o\\n'])).split('\n').filter(Boolean);
    expect([...first, ...rest].sort()).toEqual(
      [0, 1].flatMap((p) => Array.from({length: Number(env.broker.topics.getLog('grp', p)!.highWatermark ?? 0n)}, (_, o) => `${p}:${o}`)).sort());
    const ends = Object.fromEntries([0, 1].map((p) => [p, Number(env.broker.topics.getLog('grp', p)!.highWatermark)]).filter(([, e]) => e > 0));
    expect(await committed()).toEqual(ends);
  });

  it('commits on Ctrl-C and exits cleanly', async () => {
    ok(await env.run(['topics', 'create', 'live', '-p', '1']));
    ok(await env.run(['produce', 'live'], 'x\ny\nz\n'));
    const child = env.start(['consume', 'live', '--group', 'watchers', '-f', '%o\\n']);
    child.stdin!.end();
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.split('\n').filter(Boolean).length === 3) resolve();
    }));
    child.kill('SIGINT');
    expect(await exited, err).toBe(0);
    expect(out).toBe('0\n1\n2\n');
    const [g] = jsonOf(await env.run(['groups', 'describe', 'watchers', '-o', 'json']));
    expect(g.offsets.map((o: any) => [o.partition, o.currentOffset])).toEqual([[0, 3]]);
    expect(g.members).toEqual([]);
  });

  it('started through npx, commits and exits when npx is killed (npm does not pass the signal on)', async () => {
    ok(await env.run(['topics', 'create', 'orphan', '-p', '1']));
    ok(await env.run(['produce', 'orphan'], 'a\nb\n'));
    // As npm runs npx's command: behind a `sh -c` that does not exec it, with npm_command=exec.
    const shell = spawn('sh', ['-c', '"$0" "$@"; true', process.execPath, path.join(ROOT, 'bin/dev.js'), 'consume', 'orphan', '--group', 'orphans', '-f', '%o\\n'],
      {env: {...process.env, NO_COLOR: '1', KSTREAM_BROKERS: `127.0.0.1:${env.broker.port}`, npm_command: 'exec'}, stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    let err = '';
    shell.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    // 'close': the consumer's ends of the pipes too, so it has exited.
    const closed = new Promise<void>((resolve) => shell.on('close', () => resolve()));
    await new Promise<void>((resolve) => shell.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out === '0\n1\n') resolve();
    }));
    shell.kill('SIGKILL');
    await closed;
    expect(err).toBe('');
    const [g] = jsonOf(await env.run(['groups', 'describe', 'orphans', '-o', 'json']));
    expect(g.offsets.map((o: any) => [o.partition, o.currentOffset])).toEqual([[0, 2]]);
    expect(g.members).toEqual([]);
  });

  it('splits large inputs into requests under max.message.bytes and keeps their order', async () => {
    ok(await env.run(['topics', 'create', 'many', '-p', '1']));
    ok(await env.run(['topics', 'create', 'tight', '-p', '1', '-c', 'max.message.bytes=1000']));
    const lines = Array.from({length: 25_000}, (_, i) => `line-${i}`);
    const [many, tight] = await Promise.all([
      env.run(['produce', 'many', '-o', 'json'], `${lines.join('\n')}\n`),
      env.run(['produce', 'tight', '-o', 'json'], `${Array.from({length: 40}, (_, i) => `${i}`.padEnd(300, '.')).join('\n')}\n`),
    ]);
    expect(jsonOf(many).partitions).toEqual([{partition: 0, records: 25_000, firstOffset: 0, lastOffset: 24_999}]);
    expect(jsonOf(tight).partitions).toEqual([{partition: 0, records: 40, firstOffset: 0, lastOffset: 39}]);
    expect(ok(await env.run(['consume', 'many', '-e']))).toBe(`${lines.join('\n')}\n`);
  });

  it('reports with acks=0 that offsets are unknown, and the records still arrive', async () => {
    ok(await env.run(['topics', 'create', 'fire', '-p', '1']));
    const s = jsonOf(await env.run(['produce', 'fire', '--acks', '0', '-o', 'json'], '1\n2\n'));
    expect(s.partitions).toEqual([{partition: 0, records: 2, firstOffset: null, lastOffset: null}]);
    expect(ok(await env.run(['consume', 'fire', '-n', '2']))).toBe('1\n2\n');
    expect(ok(await env.run(['produce', 'fire'], 'a\n'))).toBe([
      'Produced 1 record (1 bytes) to "fire" with acks=all, compression none.', 'PARTITION  RECORDS  FIRST-OFFSET  LAST-OFFSET', '0          1        2             2', ''].join('\n'));
  });

  it('gives one clear line for unknown topics, oversized records and bad flags', async () => {
    ok(await env.run(['topics', 'create', 'small', '-p', '1', '-c', 'max.message.bytes=1000']));
    const [unknownP, unknownC, tooLarge, badFrom, fmtJson, groupPart, groupOffset, badPartition, badToken] = await Promise.all([
      env.run(['produce', 'nope'], 'x\n'),
      env.run(['consume', 'nope', '-e']),
      env.run(['produce', 'small'], `tiny\n${'x'.repeat(5000)}\nafter\n`),
      env.run(['consume', 'small', '--from', 'yesterday']),
      env.run(['consume', 'small', '-f', '%s', '-o', 'json']),
      env.run(['consume', 'small', '--group', 'g', '-p', '0']),
      env.run(['consume', 'small', '--group', 'g', '--from', '5']),
      env.run(['consume', 'small', '-p', '3', '-e']),
      env.run(['consume', 'small', '-f', '%q']),
    ]);
    expect(unknownP.stderr).toBe('Error: topic "nope" does not exist, and the broker did not create it on first use (auto.create.topics.enable=false?). Create it with `kstream topics create nope`\n');
    expect(unknownC.stderr).toBe('Error: topic "nope" does not exist. List topics with `kstream topics list`\n');
    expect(tooLarge.stderr).toMatch(/^Error: MESSAGE_TOO_LARGE: record 2 \(5000 bytes\) is over the limit of topic "small", max.message.bytes=1000 \(the 1 records before it were produced\)\. Compress with -z zstd, or raise the limit/);
    expect(badFrom.stderr).toMatch(/^Error: invalid --from "yesterday"\. Use beginning, end, an offset/);
    expect(fmtJson.stderr).toMatch(/^Error: -f\/--format and -o json do not go together/);
    expect(groupPart.stderr).toMatch(/^Error: -p\/--partition cannot be used with --group/);
    expect(groupOffset.stderr).toMatch(/^Error: with --group, --from is only beginning or end/);
    expect(badPartition.stderr).toBe('Error: topic "small" has no partition 3. Its partitions are 0 to 0\n');
    expect(badToken.stderr).toMatch(/^Error: unknown format token %q/);
    for (const r of [unknownP, unknownC, tooLarge]) expect(r.code).toBe(1);
    for (const r of [badFrom, fmtJson, groupPart, groupOffset, badPartition, badToken]) expect(r.code).toBe(2);
    for (const r of [unknownP, unknownC, tooLarge, badFrom, fmtJson, groupPart, groupOffset, badPartition, badToken]) expect(r.stderr.split('\n')).toHaveLength(2);
    expect(env.broker.topics.get('nope')).toBeUndefined();
    expect(env.broker.topics.getLog('small', 0)!.highWatermark).toBe(1n);
  });

  it('gives up on an unreachable cluster within --timeout', async () => {
    const started = Date.now();
    const r = await env.run(['produce', 'x', '-b', '127.0.0.1:1', '--timeout', '2'], 'a\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot reach the Kafka broker at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('produces to a topic the broker creates on first use', async () => {
    const auto = await cluster();
    try {
      const s = JSON.parse(ok(await auto.run(['produce', 'fresh', '-o', 'json'], 'one\ntwo\n')));
      expect(s).toMatchObject({records: 2, autoCreated: true});
      expect(ok(await auto.run(['consume', 'fresh', '-e']))).toBe('one\ntwo\n');
    } finally {
      await auto.close();
    }
  });
});

describe.skipIf(!KCAT)('kcat cross-check', () => {
  it('kcat reads what kstream produced, and kstream reads what kcat produced, in every codec', async () => {
    const brokers = `127.0.0.1:${env.broker.port}`;
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `kcat-${codec}`;
      ok(await env.run(['topics', 'create', topic, '-p', '3']));
      const lines = Array.from({length: 30}, (_, i) => `k${i % 4}:value ${i} ünïcode`);
      ok(await env.run(['produce', topic, '-K', ':', '-z', codec, '-H', 'h=1'], `${lines.join('\n')}\n`));
      const fmt = '%p %o %k=%s [%h]\\n';
      const ours = ok(await env.run(['consume', topic, '-e', '-f', fmt])).split('\n').filter(Boolean).sort();
      const theirs = (await kcat(['-b', brokers, '-C', '-t', topic, '-e', '-q', '-f', fmt.replace('\\n', '\n')])).stdout.split('\n').filter(Boolean).sort();
      expect(ours).toHaveLength(30);
      expect(ours).toEqual(theirs);

      const back = `${topic}-back`;
      ok(await env.run(['topics', 'create', back, '-p', '1']));
      await kcat(['-b', brokers, '-P', '-t', back, '-K', ':', '-z', codec, '-H', 'from=kcat', '-p', '0'], `${lines.join('\n')}\n`);
      expect(ok(await env.run(['consume', back, '-e', '-f', '%k:%s [%h]\\n']))).toBe(lines.map((l) => `${l} [from=kcat]\n`).join(''));
    }
  });
});
