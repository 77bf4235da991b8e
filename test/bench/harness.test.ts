import {describe, expect, it} from 'vitest';
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {createServer, connect as netConnect, type Socket} from 'node:net';
import {once} from 'node:events';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fmtMs, pctOf, quantile} from './lib/stats.js';
import {Report} from './lib/report.js';
import {summarizeProfiles} from './lib/cpu-profile.js';
import {writeRecordFile} from './lib/data.js';
import {fetchOffsetPosition, fetchRequest, nextOffset, rawFetch} from './lib/fetch-loop.js';
import {ResponseParser} from './gen/fetch-parser.mjs';
import {RecordingProxy, checkResponses, parseRequestStream, replay} from './lib/replay.js';
import {connect, createTopic, endOffsetSum} from './lib/admin.js';
import {appendManyLimit, fileToSocketLimit, socketToFileLimit} from './lib/limits.js';
import {runWithCpu} from './lib/proc.js';
import {runLatencyGen, writeLatencyRequest} from './lib/latency-gen.js';
import {encodeBatch} from '../../src/records/batch.js';
import {CompressionType, setBaseOffset} from '../../src/records/batch-header.js';
import {ApiKey, encodeRequest, encodeResponse} from '../../src/protocol/api.js';
import {startBroker} from '../../src/broker/broker.js';
import {writeCanned} from './lib/canned.js';
import {fetchCeiling, produceCeiling} from './lib/kcat-ceiling.js';
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {decodeResponse} from '../../src/protocol/api.js';
import {waitForLine} from './lib/proc.js';

const KCAT = process.env.BENCH_KCAT ?? ['/usr/bin/kcat', '/usr/local/bin/kcat'].find((p) => existsSync(p));
if (!KCAT) console.warn('skipping the kcat-ceiling harness test: kcat is not installed');

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

describe('stats', () => {
  it('takes nearest-rank quantiles', () => {
    const values = Array.from({length: 1000}, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(500);
    expect(quantile(values, 0.99)).toBe(990);
    expect(quantile(values, 0.999)).toBe(999);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('gives the maximum of more values than a call can take as arguments (the latency run has ~130,000)', () => {
    const values = Array.from({length: 500_000}, (_, i) => (i * 7919) % 500_000);
    expect(quantile(values, 1)).toBe(499_999);
  });
  it('formats percentages of a limit and times', () => {
    expect(pctOf(70, 100)).toBe('70%');
    expect(pctOf(1, 0)).toBe('-');
    expect(fmtMs(1.234)).toBe('1.23 ms');
    expect(fmtMs(1234)).toBe('1,234 ms');
  });
});

describe('report', () => {
  it('renders aligned text and escaped Markdown with the met column', () => {
    const report = new Report();
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      report.add({group: 'produce', name: 'a|b', result: '1 MB/s', limit: '2 MB/s', ofLimit: '50%', target: '>= 70%', met: false});
      report.add({group: 'cli', name: 'version', result: '100 ms', target: '< 300 ms', met: true});
    } finally {
      process.stderr.write = write;
    }
    const lines = report.text().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^produce\s+a\|b\s+1 MB\/s\s+2 MB\/s\s+50%\s+>= 70%\s+NO$/);
    expect(report.markdown()).toContain('| produce | a\\|b | 1 MB/s | 2 MB/s | 50% | >= 70% | NO |');
    expect(report.markdown()).toContain('| cli | version | 100 ms |  |  | < 300 ms | yes |');
    expect(lines[0]).not.toContain('kcat ceiling');
  });
  it('adds the kcat-ceiling columns last, only when a row has a ceiling', () => {
    const report = new Report();
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      report.add({group: 'produce', name: 'kcat', result: '1 MB/s', limit: '2 MB/s', ofLimit: '50%', target: '>= 70%', met: false, ceiling: '1.25 MB/s', ofCeiling: '80%'});
      report.add({group: 'cli', name: 'version', result: '100 ms'});
    } finally {
      process.stderr.write = write;
    }
    expect(report.markdown().split('\n')[0]).toBe('| Scenario | Case | kstream | Machine limit (same run) | % of limit | Target | Met | kcat ceiling (same run) | % of kcat ceiling |');
    expect(report.markdown()).toContain('| produce | kcat | 1 MB/s | 2 MB/s | 50% | >= 70% | NO | 1.25 MB/s | 80% |');
    expect(report.markdown()).toContain('| cli | version | 100 ms |  |  |  |  |  |  |');
  });
});

describe('record files', () => {
  it('writes the requested number of fixed-size lines', () => withDir(async (dir) => {
    const file = await writeRecordFile(join(dir, 'r.txt'), 100, 1e6);
    const lines = (await readFile(file.path, 'latin1')).split('\n');
    expect(file.records).toBe(10_000);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => l.length === 100)).toBe(true);
    expect(new Set(lines.slice(0, 100)).size).toBe(100);
  }));
});

describe('fetch loop', () => {
  it('finds the offset after the last complete batch and ignores a partial one', async () => {
    const batch = await encodeBatch({records: [{value: 'a'}, {value: 'b'}, {value: 'c'}]});
    const second = Buffer.from(batch);
    setBaseOffset(second, 0, 3n);
    const both = Buffer.concat([batch, second]);
    expect(nextOffset(both, 0n)).toBe(6n);
    expect(nextOffset(both.subarray(0, both.length - 5), 0n)).toBe(3n);
    expect(nextOffset(Buffer.alloc(0), 7n)).toBe(7n);
  });

  /** A one-partition Fetch v12 response, size prefix included, as the broker frames it. */
  const fetchResponse = (records: Buffer, partition: object = {}) => encodeResponse(ApiKey.Fetch, 12, 9, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{topic: 'raw-fetch', partitions: [{partitionIndex: 0, errorCode: 0,
      highWatermark: 100n, lastStableOffset: 100n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records, ...partition}]}],
  });

  it('gen/fetch.mjs reads a response fed in chunks of any size: the offset after the last complete batch and its bytes', async () => {
    const batches: Buffer[] = [];
    for (let base = 10n, i = 0; i < 3; i++) {
      const b = await encodeBatch({records: Array.from({length: i + 2}, (_, k) => ({value: `v${i}-${k}`}))});
      setBaseOffset(b, 0, base);
      batches.push(b);
      base += BigInt(i + 2);
    }
    const complete = Buffer.concat(batches);
    // Then part of a fourth batch, as a Fetch can end with: its header, then bytes that would read
    // as a complete batch at offset 50 if the parser looked for a header inside the partial batch.
    const fourth = await encodeBatch({records: [{value: Buffer.alloc(300, 1)}]});
    const inside = Buffer.from(batches[0]!);
    setBaseOffset(inside, 0, 50n);
    const partial = Buffer.concat([complete, fourth.subarray(0, 27), inside]);
    const cases = [
      {frame: fetchResponse(partial), next: 19n, bytes: complete.length},
      // Aborted transactions before the records (each with tagged fields), and only part of a batch header at the end.
      {frame: fetchResponse(Buffer.concat([complete, batches[0]!.subarray(0, 20)]), {abortedTransactions: [{producerId: 5n, firstOffset: 1n}, {producerId: 6n, firstOffset: 2n}]}),
        next: 19n, bytes: complete.length},
      {frame: fetchResponse(Buffer.alloc(0)), next: 4n, bytes: 0},
      {frame: fetchResponse(null as unknown as Buffer), next: 4n, bytes: 0},
    ];
    for (const {frame, next, bytes} of cases) {
      for (const step of [1, 2, 3, 7, 26, 27, 28, 64, frame.length]) {
        const parser = new ResponseParser(4n);
        for (let at = 0; at < frame.length; at += step) {
          expect(parser.done()).toBe(false);
          const chunk = frame.subarray(at, at + step);
          expect(parser.feed(chunk)).toBe(chunk.length);
        }
        expect(parser.done()).toBe(true);
        expect({next: parser.next, bytes: parser.bytes}).toEqual({next, bytes});
      }
    }
    // Bytes after the response are not taken; an error code is reported.
    const twice = Buffer.concat([cases[0]!.frame, cases[0]!.frame]);
    expect(new ResponseParser(0n).feed(twice)).toBe(cases[0]!.frame.length);
    expect(() => new ResponseParser(0n).feed(fetchResponse(complete, {errorCode: 1}))).toThrow(/Fetch partition error 1/);
  });
});

describe('limits', () => {
  it('moves every byte of a file through the socket-to-file and file-to-socket programs', () => withDir(async (dir) => {
    const file = await writeRecordFile(join(dir, 'r.txt'), 1024, 2e6);
    const onDisk = (await readFile(file.path)).length;
    const sink = await socketToFileLimit(file.path, join(dir, 'sink.bin'));
    expect(sink.bytes).toBe(onDisk);
    expect(sink.ms).toBeGreaterThan(0);
    const source = await fileToSocketLimit([file.path, file.path], 3);
    expect(source.bytes).toBe(onDisk * 2 * 3);
  }));

  it('times append-many.mjs rounds and its read-back (every byte read), and leaves no files behind', () => withDir(async (dir) => {
    const r = await appendManyLimit(dir, 25, 170, 3);
    expect(r.appendMs).toHaveLength(3);
    for (const ms of r.appendMs) expect(ms).toBeGreaterThan(0);
    expect(r.readMs).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual([]);
  }));
});

describe('runWithCpu', () => {
  it('reports the command CPU time and its output', async () => {
    const r = await runWithCpu(process.execPath, ['-e', 'let x = 0; const end = Date.now() + 300; while (Date.now() < end) x++; console.log("done")']);
    expect(r.stdout.trim()).toBe('done');
    expect(r.cpuSeconds).toBeGreaterThan(0.1);
  });
  it('fails with the command stderr on a non-zero exit', async () => {
    await expect(runWithCpu(process.execPath, ['-e', 'console.error("boom"); process.exit(3)'])).rejects.toThrow(/exited with 3: boom/);
  });
});

describe('cpu profile summary', () => {
  it('attributes self and inclusive time per function, file and package', () => withDir(async (dir) => {
    const root = join(import.meta.dirname, '..', '..');
    const frame = (functionName: string, url: string) => ({functionName, url, lineNumber: 0});
    const profile = {
      nodes: [
        {id: 1, callFrame: frame('(root)', ''), children: [2]},
        {id: 2, callFrame: frame('handle', `file://${root}/dist/src/broker/dispatch.js`), children: [3]},
        {id: 3, callFrame: frame('append', `file://${root}/dist/src/storage/segment.js`), children: []},
      ],
      samples: [2, 3, 3, 3],
      timeDeltas: [1000, 1000, 1000, 1000],
    };
    await writeFile(join(dir, 'a.cpuprofile'), JSON.stringify(profile));
    const text = await summarizeProfiles(dir);
    expect(text).toContain('75.0%  dist/src/storage/segment.js:append:1');
    expect(text).toContain('25.0%  dist/src/broker/dispatch.js:handle:1');
    expect(text).toMatch(/Inclusive[^\n]*\n\s+100\.0%  dist\/src\/broker\/dispatch\.js:handle:1/);
    expect(text).toContain('75.0%  dist/src/storage');
  }));
});

/** A client's request stream as librdkafka sends it: ApiVersions, Metadata, then Produce v7 requests (one batch of `perBatch` records each). */
async function produceStream(topic: string, requests: Array<{acks: number; partition?: number; producerId?: bigint}>, perBatch = 50): Promise<{stream: Buffer; records: number}> {
  const frames = [
    encodeRequest(ApiKey.ApiVersions, 3, 1, 'rdkafka', {clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2'}),
    encodeRequest(ApiKey.Metadata, 4, 2, 'rdkafka', {topics: [{name: topic}], allowAutoTopicCreation: false}),
  ];
  let records = 0;
  for (const [i, r] of requests.entries()) {
    const batch = await encodeBatch({records: Array.from({length: perBatch}, (_, j) => ({value: `record ${i}-${j}`})), compression: i % 2 ? CompressionType.Lz4 : CompressionType.None, producerId: r.producerId});
    frames.push(encodeRequest(ApiKey.Produce, 7, 3 + i, 'rdkafka', {transactionalId: null, acks: r.acks, timeoutMs: 30_000,
      topicData: [{name: topic, partitionData: [{index: r.partition ?? 0, records: batch}]}]}));
    records += perBatch;
  }
  return {stream: Buffer.concat(frames), records};
}

const produceResponse = (correlationId: number, errorCode: number) => encodeResponse(ApiKey.Produce, 7, correlationId, {
  responses: [{name: 't', partitionResponses: [{index: 0, errorCode, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n}]}], throttleTimeMs: 0,
});

describe('replayed request streams', () => {
  it('counts requests, records and the responses a replay must wait for (none for acks=0)', async () => {
    const {stream} = await produceStream('t', [{acks: 1}, {acks: -1}, {acks: 0}, {acks: 1, producerId: 7n}]);
    const s = parseRequestStream(stream);
    expect(s.apis).toEqual({ApiVersions: 1, Metadata: 1, Produce: 4});
    expect(s.expectedResponses).toBe(5);
    expect(s.requests.map((r) => r.correlationId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.produce).toMatchObject({requests: 4, batches: 4, records: 200});
    expect([...s.produce.acks].sort()).toEqual([-1, 0, 1]);
    expect([...s.produce.producerIds]).toEqual([-1n, 7n]);
    expect(s.produce.byPartition.get('t-0')).toBe(200);
    expect(() => parseRequestStream(stream.subarray(0, stream.length - 3))).toThrow(/does not fit/);
  });

  it('fails a replay on a partition error, a wrong correlation id, a missing or an extra response', async () => {
    const {stream} = await produceStream('t', [{acks: 1}]);
    const s = parseRequestStream(stream);
    const apiVersions = encodeResponse(ApiKey.ApiVersions, 3, 1, {errorCode: 0, apiKeys: [], throttleTimeMs: 0});
    const metadata = encodeResponse(ApiKey.Metadata, 4, 2, {throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: 1, topics: []});
    expect(checkResponses(s, Buffer.concat([apiVersions, metadata, produceResponse(3, 0)]))).toBeUndefined();
    expect(checkResponses(s, Buffer.concat([apiVersions, metadata, produceResponse(3, 6)]))).toMatch(/Produce v7 \(correlation id 3\): t-0 error 6/);
    expect(checkResponses(s, Buffer.concat([apiVersions, metadata, produceResponse(4, 0)]))).toMatch(/correlation id 4, expected Produce/);
    expect(checkResponses(s, Buffer.concat([apiVersions, metadata]))).toMatch(/1 of 3 responses missing/);
    expect(checkResponses(s, Buffer.concat([apiVersions, metadata, produceResponse(3, 0), produceResponse(3, 0)]))).toMatch(/bytes after the 3 expected/);
  });

  it('records what a client sends through the proxy while passing the answers back', () => withDir(async (dir) => {
    const echo = createServer((socket) => socket.pipe(socket));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const proxy = await RecordingProxy.start();
    try {
      proxy.target = `127.0.0.1:${(echo.address() as {port: number}).port}`;
      proxy.recordTo(join(dir, 'rec'));
      const {connect: netConnect} = await import('node:net');
      const sent = Buffer.concat(Array.from({length: 200}, (_, i) => Buffer.alloc(10_000, i)));
      const client = netConnect({host: '127.0.0.1', port: proxy.port});
      const received: Buffer[] = [];
      let have = 0;
      const all = new Promise<void>((resolve) => client.on('data', (c: Buffer) => { received.push(c); have += c.length; if (have === sent.length) resolve(); }));
      client.write(sent);
      await all;
      client.destroy();
      await proxy.closeConnections();
      expect(Buffer.concat(received).equals(sent)).toBe(true);
      expect(proxy.connections).toEqual([{path: join(dir, 'rec-0.bin'), bytes: sent.length}]);
      expect((await readFile(join(dir, 'rec-0.bin'))).equals(sent)).toBe(true);
    } finally {
      await proxy.close();
      echo.close();
    }
  }));
});

describe('replay and raw Fetch against a broker', () => {
  it('replays a stream on one connection, checks every answer, and reads the partition on several raw connections', () => withDir(async (dir) => {
    const broker = await startBroker({dataDir: join(dir, 'data'), port: 0, log: () => undefined});
    const address = `127.0.0.1:${broker.port}`;
    const admin = await connect(address);
    try {
      await createTopic(admin, 'replayed', 1);
      const {stream, records} = await produceStream('replayed', Array.from({length: 30}, (_, i) => ({acks: i % 3 === 0 ? -1 : 1})), 400);
      const file = join(dir, 'stream.bin');
      await writeFile(file, stream);
      const s = parseRequestStream(stream);
      const r = await replay(address, file, s.expectedResponses, join(dir, 'responses.bin'));
      expect(r.ms).toBeGreaterThan(0);
      expect(checkResponses(s, r.responses)).toBeUndefined();
      expect(await endOffsetSum(admin, [{name: 'replayed', partitions: 1}])).toBe(BigInt(records));

      // A partition the topic does not have: the broker's error code fails the check.
      const bad = await produceStream('replayed', [{acks: 1}, {acks: 1, partition: 5}]);
      await writeFile(file, bad.stream);
      const sb = parseRequestStream(bad.stream);
      const rb = await replay(address, file, sb.expectedResponses, join(dir, 'responses.bin'));
      expect(checkResponses(sb, rb.responses)).toMatch(/replayed-5 error 3/);
      expect(await endOffsetSum(admin, [{name: 'replayed', partitions: 1}])).toBe(BigInt(records + 50));

      const end = BigInt(records + 50);
      const logDir = join(dir, 'data', 'replayed-0');
      let logBytes = 0;
      for (const f of (await readdir(logDir)).filter((n) => n.endsWith('.log'))) logBytes += (await stat(join(logDir, f))).size;
      const fetched = await rawFetch(address, 'replayed', end, 3);
      expect(fetched.perConnection).toEqual([logBytes, logBytes, logBytes]);
      expect(fetched.bytes).toBe(3 * logBytes);
      expect(fetched.requests).toBeGreaterThanOrEqual(3);
      await expect(rawFetch(address, 'no-such-topic', 1n, 1)).rejects.toThrow(/Fetch partition error 3/);
    } finally {
      admin.close();
      await broker.stop();
    }
  }));

  it('patches the fetch offset where fetchRequest() puts it', () => {
    const pos = fetchOffsetPosition('some-topic');
    const patched = fetchRequest('some-topic', 0n, 1);
    patched.writeInt32BE(9, 8);
    patched.writeBigInt64BE(123_456_789n, pos);
    expect(patched.equals(fetchRequest('some-topic', 123_456_789n, 9))).toBe(true);
  });
});

describe('latency.mjs', () => {
  const records = encodeBatch({records: Array.from({length: 10}, (_, i) => ({key: null, value: Buffer.alloc(100, 97 + i)}))});
  async function writeTemplate(dir: string, topic: string): Promise<string> {
    const file = join(dir, 'request.bin');
    await writeLatencyRequest(file, topic, await records);
    return file;
  }

  it('runs its closed and open loops against a broker, every request appending its batch', () => withDir(async (dir) => {
    const broker = await startBroker({dataDir: join(dir, 'data'), port: 0, log: () => undefined});
    const address = `127.0.0.1:${broker.port}`;
    const admin = await connect(address);
    try {
      await createTopic(admin, 'timed', 1);
      const run = await runLatencyGen(address, await writeTemplate(dir, 'timed'), {warmSeconds: 0.2, maxSeconds: 0.3, rate: 2000, openSeconds: 0.5}, join(dir, 'latencies.bin'));
      expect(run.max).toBeGreaterThan(0);
      expect(run.rate).toBe(2000);
      expect(run.latencies).toHaveLength(1000);
      expect(run.latencies.every((ms) => ms > 0 && ms < 30_000)).toBe(true);
      expect(await endOffsetSum(admin, [{name: 'timed', partitions: 1}])).toBe(BigInt(run.sent * 10));
      expect(run.sent).toBeGreaterThan(1000);
    } finally {
      admin.close();
      await broker.stop();
    }
  }));

  it('patches only the correlation id, times each answer split across reads, and opens at half the max', () => withDir(async (dir) => {
    // A stand-in server that answers each request with its correlation id after 5 ms, in two writes.
    const template = await writeTemplate(dir, 'any');
    const expected = await readFile(template);
    const ids: number[] = [];
    let others = 0;
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      let pending = Buffer.alloc(0);
      let writes = Promise.resolve();
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= expected.length) {
          const frame = pending.subarray(0, expected.length);
          pending = pending.subarray(expected.length);
          const id = frame.readInt32BE(8);
          ids.push(id);
          if (!frame.subarray(0, 8).equals(expected.subarray(0, 8)) || !frame.subarray(12).equals(expected.subarray(12))) others++;
          const answer = Buffer.alloc(12);
          answer.writeInt32BE(8, 0);
          answer.writeInt32BE(id, 4);
          // Each answer's two halves in order, the second a turn of the event loop later.
          setTimeout(() => {
            writes = writes.then(async () => {
              socket.write(answer.subarray(0, 6));
              await new Promise((resolve) => setImmediate(resolve));
              socket.write(answer.subarray(6));
            });
          }, 5);
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as {port: number}).port;
      const run = await runLatencyGen(`127.0.0.1:${port}`, template, {warmSeconds: 0, maxSeconds: 0.3, rate: 'half', openSeconds: 0.3}, join(dir, 'latencies.bin'));
      // 16 in flight, each answered after 5 ms (4 ms by performance.now(), timers firing up to 1 ms
      // early): at most 4,000 requests/s.
      expect(run.max).toBeGreaterThan(500);
      expect(run.max).toBeLessThanOrEqual(4000);
      expect(run.rate).toBe(run.max / 2);
      expect(run.latencies).toHaveLength(Math.floor(run.rate * 0.3));
      // Node timers may fire up to 1 ms early against performance.now().
      expect(run.latencies.every((ms) => ms >= 4)).toBe(true);
      expect(others).toBe(0);
      expect(ids).toEqual(Array.from({length: run.sent}, (_, i) => i + 1));
    } finally {
      server.close();
    }
  }));

  it('fails with the reason when the server closes the connection or answers out of order', () => withDir(async (dir) => {
    const template = await writeTemplate(dir, 'any');
    const run = async (onRequest: (socket: Socket) => void) => {
      const server = createServer((socket) => socket.once('data', () => onRequest(socket)));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const port = (server.address() as {port: number}).port;
        await runLatencyGen(`127.0.0.1:${port}`, template, {warmSeconds: 1, maxSeconds: 0, rate: 0, openSeconds: 0}, join(dir, 'l.bin'));
      } finally {
        server.close();
      }
    };
    await expect(run((socket) => socket.end())).rejects.toThrow(/the server closed the connection/);
    // The first answer carries correlation id 2, not 1.
    const answer = Buffer.alloc(12);
    answer.writeInt32BE(8, 0);
    answer.writeInt32BE(2, 4);
    await expect(run((socket) => socket.write(answer))).rejects.toThrow(/answer with correlation id 2, expected 1/);
  }));
});

describe('probe.mjs', () => {
  it('sends one ApiVersions at a time and reports each send time and latency when its stdin closes', async () => {
    // A stand-in broker that answers each request frame with its correlation id, after 5 ms.
    const seen: Array<{apiKey: number; version: number; correlationId: number}> = [];
    let probe: ReturnType<typeof spawn> | undefined;
    const server = createServer((socket) => {
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
          const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
          pending = pending.subarray(4 + frame.length);
          seen.push({apiKey: frame.readInt16BE(0), version: frame.readInt16BE(2), correlationId: frame.readInt32BE(4)});
          const answer = Buffer.alloc(8);
          answer.writeInt32BE(4, 0);
          answer.writeInt32BE(frame.readInt32BE(4), 4);
          setTimeout(() => socket.write(answer), 5);
          if (seen.length === 5) probe!.stdin!.end();
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as {port: number}).port;
      const before = performance.timeOrigin + performance.now();
      probe = spawn(process.execPath, [join(import.meta.dirname, 'gen', 'probe.mjs'), '127.0.0.1', String(port), '1'], {stdio: ['pipe', 'pipe', 'inherit']});
      let out = '';
      probe.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
      const [code] = await once(probe, 'close');
      expect(code).toBe(0);
      const samples = JSON.parse(out) as Array<[number, number]>;
      // The fifth request's answer comes after stdin closed: the probe waits for it, then stops.
      expect(samples).toHaveLength(5);
      expect(seen.map((r) => [r.apiKey, r.version, r.correlationId])).toEqual([1, 2, 3, 4, 5].map((id) => [18, 0, id]));
      for (const [i, [at, ms]] of samples.entries()) {
        expect(ms).toBeGreaterThanOrEqual(4);
        // One at a time: each is sent after the previous answer (times rounded to 1 µs).
        expect(at).toBeGreaterThanOrEqual(i === 0 ? before : samples[i - 1]![0] + samples[i - 1]![1] - 0.002);
      }
    } finally {
      server.close();
    }
  });
});

describe('kafka-sink.mjs', () => {
  /** The sink with no recorded answers (so only Produce is answered) and its port. */
  async function startSink(dir: string, mode?: 'sync') {
    await writeFile(join(dir, 'none.json'), '[]');
    await writeFile(join(dir, 'none.bin'), '');
    const sink = spawn(process.execPath, [join(import.meta.dirname, 'limit', 'kafka-sink.mjs'), join(dir, 'out.bin'), join(dir, 'none'), ...(mode ? [mode] : [])],
      {stdio: ['ignore', 'pipe', 'pipe']});
    const {match} = await waitForLine(sink, /port (\d+)/, 10_000);
    return {sink, port: Number(match[1])};
  }

  const completeFrames = (buf: Buffer): number => {
    let n = 0;
    for (let pos = 0; pos + 4 <= buf.length && pos + 4 + buf.readInt32BE(pos) <= buf.length; pos += 4 + buf.readInt32BE(pos)) n++;
    return n;
  };

  /** Sends `frames` on one connection and returns the `answers` answers and the sink's file. */
  async function sinkAnswers(dir: string, frames: Buffer[], answers: number, mode?: 'sync'): Promise<{answers: Buffer; file: Buffer}> {
    const {sink, port} = await startSink(dir, mode);
    try {
      const socket = netConnect({host: '127.0.0.1', port});
      const got: Buffer[] = [];
      const done = new Promise<void>((resolve) => socket.on('data', (c: Buffer) => {
        got.push(c);
        if (completeFrames(Buffer.concat(got)) === answers) resolve();
      }));
      // Byte by byte at first, so a request split over many chunks is put together.
      const stream = Buffer.concat(frames);
      for (let i = 0; i < 40; i++) socket.write(stream.subarray(i, i + 1));
      socket.write(stream.subarray(40));
      await done;
      socket.destroy();
      const closed = once(sink, 'close');
      sink.kill('SIGTERM');
      await closed;
      return {answers: Buffer.concat(got), file: await readFile(join(dir, 'out.bin'))};
    } finally {
      sink.kill('SIGKILL');
    }
  }

  const produce = async (version: number, correlationId: number, records: number, acks = 1) => encodeRequest(ApiKey.Produce, version, correlationId, 'rdkafka', {
    transactionalId: null, acks, timeoutMs: 30_000,
    topicData: [{name: 'sunk', partitionData: [{index: 3, records: Buffer.concat([
      await encodeBatch({records: Array.from({length: records}, (_, j) => ({value: `r${j}`}))}),
      await encodeBatch({records: [{value: 'one more'}], compression: CompressionType.Lz4}),
    ])}]}],
  });

  for (const [version, mode] of [[7, undefined], [9, undefined], [9, 'sync']] as const) {
    it(`appends every request and answers Produce v${version} with running base offsets, none for acks=0${mode ? ` (${mode})` : ''}`, () => withDir(async (dir) => {
      const frames = [await produce(version, 11, 10), await produce(version, 12, 5, 0), await produce(version, 13, 20)];
      const {answers, file} = await sinkAnswers(dir, frames, 2, mode);
      expect(file.equals(Buffer.concat(frames))).toBe(true);
      const first = decodeResponse<any>(ApiKey.Produce, version, answers.subarray(4, 4 + answers.readInt32BE(0)));
      const second = decodeResponse<any>(ApiKey.Produce, version, answers.subarray(8 + answers.readInt32BE(0)));
      expect(first.correlationId).toBe(11);
      expect(first.body.responses).toMatchObject([{name: 'sunk', partitionResponses: [{index: 3, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n}]}]);
      expect(second.correlationId).toBe(13);
      // 11 records in the first request and 6 in the unanswered acks=0 one come before it.
      expect(second.body.responses[0].partitionResponses[0].baseOffset).toBe(17n);
    }));
  }

  it('ends with exit code 2 and says so on a request it has no recorded answer for', () => withDir(async (dir) => {
    const {sink, port} = await startSink(dir);
    let stderr = '';
    sink.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const socket = netConnect({host: '127.0.0.1', port});
    socket.on('error', () => undefined);
    socket.write(encodeRequest(ApiKey.Metadata, 4, 1, 'rdkafka', {topics: null, allowAutoTopicCreation: false}));
    const [code] = await once(sink, 'close');
    socket.destroy();
    expect(code).toBe(2);
    expect(stderr).toMatch(/no recorded answer for API key 3 v4/);
  }));
});

describe.skipIf(!KCAT)('kcat ceiling (kcat against kafka-sink.mjs and kafka-source.mjs)', () => {
  it('answers a kcat producer from recorded answers, and kcat consumers from a recorded kcat -C run', () => withDir(async (dir) => {
    const proxy = await RecordingProxy.start();
    const broker = await startBroker({dataDir: join(dir, 'data'), port: 0, advertisedHost: '127.0.0.1', advertisedPort: proxy.port, log: () => undefined});
    proxy.target = `127.0.0.1:${broker.port}`;
    const admin = await connect(proxy.target);
    try {
      await createTopic(admin, 'ceiling', 1);
      const file = await writeRecordFile(join(dir, 'r.txt'), 100, 3e6);
      const produceArgs = (address: string) => ['-P', '-b', address, '-t', 'ceiling', '-p', '0', '-l', file.path, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000'];
      proxy.recordTo(join(dir, 'produce'), true);
      await runWithCpu(KCAT!, produceArgs(proxy.address));
      await proxy.closeConnections();
      const produced = await writeCanned(proxy.connections, join(dir, 'produce-canned'), proxy.port, [ApiKey.Produce]);
      expect(produced.apis).toMatchObject({ApiVersions: 1});
      expect(produced.apis.Metadata).toBeGreaterThanOrEqual(1);

      const sunk = await produceCeiling(KCAT!, produceArgs, join(dir, 'produce-canned'), join(dir, 'sink.bin'));
      expect(sunk.records).toBe(file.records);
      expect(sunk.bytes).toBeGreaterThan(file.bytes);
      expect(sunk.bytes).toBeLessThan(file.bytes * 1.2);
      expect(sunk.ms).toBeGreaterThan(0);

      const consumeArgs = (address: string) => ['-C', '-b', address, '-t', 'ceiling', '-o', 'beginning', '-e', '-X', 'fetch.wait.max.ms=5'];
      const first = proxy.connections.length;
      proxy.recordTo(join(dir, 'consume'), true);
      await runWithCpu(KCAT!, consumeArgs(proxy.address), {stdoutTo: 'ignore'});
      await proxy.closeConnections();
      const consumed = await writeCanned(proxy.connections.slice(first), join(dir, 'consume-canned'), proxy.port);
      expect(consumed.apis.Fetch).toBeGreaterThanOrEqual(3);

      const read = await fetchCeiling(KCAT!, consumeArgs, 2, join(dir, 'consume-canned'));
      for (const r of read.runs) expect(r.stderr).toContain(`Reached end of topic ceiling [0] at offset ${file.records}`);
      // The last, empty Fetch is answered at once (the broker waited fetch.wait.max.ms), so kcat may send it a few more times before it exits.
      expect(read.answers).toBeGreaterThanOrEqual(2 * consumed.answers);
    } finally {
      admin.close();
      await proxy.close();
      await broker.stop();
    }
  }));
});
