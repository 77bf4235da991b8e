/**
 * Produce throughput (kcat -P from a pre-generated file) and fetch throughput (several kcat -C -e
 * at once, from the page cache), each next to the Node limit for the same bytes. Because kcat's own
 * CPU time can set those figures on 2 cores, the kcat rows also show the kcat ceiling: the same kcat
 * command against a minimal Node program answering it from the broker's recorded answers
 * (limit/kafka-sink.mjs, limit/kafka-source.mjs). And both also run with the same Node generator on
 * the broker side and on the limit side: kcat's recorded Produce requests replayed (gen/replay.mjs
 * vs send-file.mjs), and Fetch requests on raw sockets (gen/fetch.mjs vs drain.mjs).
 */
import {join} from 'node:path';
import {mkdir, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {BrokerProcess} from '../lib/broker-process.js';
import {connect, createTopic, endOffsetSum} from '../lib/admin.js';
import {fetchLoop, rawFetch} from '../lib/fetch-loop.js';
import {writeRecordFile, type RecordFile} from '../lib/data.js';
import {fileToSocketLimit, socketToFileLimit} from '../lib/limits.js';
import {runWithCpu} from '../lib/proc.js';
import {RecordingProxy, checkResponses, parseRequestStream, replay, type RequestStream} from '../lib/replay.js';
import {writeCanned} from '../lib/canned.js';
import {fetchCeiling, produceCeiling} from '../lib/kcat-ceiling.js';
import {ApiKey} from '../../../src/protocol/api.js';
import {fmtNumber, mbPerSec, pctOf} from '../lib/stats.js';
import type {BenchContext} from '../lib/context.js';
import type {Row} from '../lib/report.js';

const KCAT = process.env.BENCH_KCAT ?? 'kcat';
const TARGET = '>= 70% of limit';

/** Broker CPU time over wall time: 100% means one core busy, the most one Node event loop can use. */
const cpuPct = (cpuSeconds: number, ms: number): string => `${Math.round((cpuSeconds * 1000 / ms) * 100)}%`;

interface ProduceCase {
  acks: '1' | 'all';
  codec: 'none' | 'lz4' | 'zstd';
}

const CASES: ProduceCase[] = [
  {acks: '1', codec: 'none'}, {acks: 'all', codec: 'none'}, {acks: '1', codec: 'lz4'}, {acks: '1', codec: 'zstd'},
];

/** The kcat producer of every produce row, recorded or not. */
const kcatProduceArgs = (address: string, topic: string, file: RecordFile, c: ProduceCase): string[] => ['-P', '-b', address, '-t', topic, '-p', '0', '-l', file.path,
  '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', 'batch.size=1048576',
  '-X', 'queue.buffering.max.messages=2000000', '-X', 'queue.buffering.max.kbytes=2097151',
  '-X', `acks=${c.acks === 'all' ? '-1' : '1'}`, '-X', `compression.codec=${c.codec}`];

/** Highest MB/s of two limit runs, one before and one after the broker cases, so a load spike from elsewhere does not lower the bar. */
async function produceLimit(file: RecordFile, scratch: string): Promise<number> {
  const r = await socketToFileLimit(file.path, scratch);
  return mbPerSec(file.bytes * (r.bytes / (file.bytes + file.records)), r.ms);
}

export async function throughput(ctx: BenchContext): Promise<void> {
  const {report, settings, workDir} = ctx;
  const dataDir = join(workDir, 'throughput-data');
  await mkdir(dataDir, {recursive: true});
  const files = [
    await writeRecordFile(join(workDir, 'records-100.txt'), 100, settings.produceMB * 1e6),
    await writeRecordFile(join(workDir, 'records-1k.txt'), 1024, settings.produceMB * 1e6),
  ];
  report.note(`Produce: kcat -P -l FILE -X linger.ms=5 -X batch.num.messages=10000 -X batch.size=1048576, one partition, ${settings.produceMB} MB of payload per case, wall time of the kcat process (start, metadata, all deliveries acknowledged); the end offset is checked afterwards. The broker process runs every case in turn, after one unmeasured kcat -P of the 100 B file into a topic of its own (warm-up: in a fresh broker process the first 40 MB took 1.4-2.2x as long as the next, JIT compilation and first buffers). Limit: send-file.mjs streams the same file over a loopback socket to socket-to-file.mjs, which appends it to a file; both are separate Node processes like kcat and the broker. acks=all and acks=1 take the same path on a single node: the answer follows the write to the segment file (Kafka's default flush policy, no fsync per request). Limit runs before and after the broker cases, the higher counts. CPU = user+system CPU time of the broker and of kcat over the wall time (100% = one core of the 2): when the broker is below 100% and kcat is high, the load generator, not the broker, sets the figure.`);
  report.note(`kcat ceiling (produce rows): the same kcat -P command, timed the same way, against limit/kafka-sink.mjs instead of the broker: a Node program that, like socket-to-file.mjs, appends every byte it receives to a file, and answers each request once the bytes completing it are written (as the broker answers acks=1/all after its write): ApiVersions and Metadata with the broker's own answers to the same kcat command, recorded by the proxy of the replayed rows (correlation id patched, the sink's port advertised), Produce with error 0 and a running base offset for the request's topic and partition, built from the batch headers' record counts without decoding records. kcat exits 0 only when every delivery was acknowledged; the sink's record count must equal the file's and its bytes must be within 10% of the recorded stream's. kcat's own CPU time (100-160% for 100 B records and zstd) is paid on both sides, so this is the most any broker could reach with kcat on this machine; it is an additional comparison, not a replacement for the Node limit (the issue's target stays on that). Before and after the broker cases, the higher counts.`);
  const profile = (phase: string) => settings.profileDir && join(settings.profileDir, phase);
  const topics: Array<{name: string; file: RecordFile}> = [];
  // Recorded first: the kcat ceiling of each produce row serves the broker's recorded answers.
  const recordings = await recordCases(ctx, files);
  try {
    const broker = await BrokerProcess.start({dataDir, cpuProfDir: profile('produce')});
    try {
      const admin = await connect(broker.address);
      try {
        await warmUpWithKcat(broker, admin, files[0]!);
        for (const file of files) {
          const cases = recordings.filter((r) => r.file === file);
          const before = await produceLimit(file, join(workDir, 'limit-sink.bin'));
          const ceilingsBefore = await produceCeilings(ctx, cases);
          const results: Array<{c: ProduceCase; ms: number; cpu: number; kcatCpu: number}> = [];
          for (const c of CASES) {
            const topic = `produce-${file.recordBytes}-acks${c.acks}-${c.codec}`;
            await createTopic(admin, topic, 1);
            const cpu0 = broker.cpuSeconds();
            const r = await runWithCpu(KCAT, kcatProduceArgs(broker.address, topic, file, c));
            const end = await endOffsetSum(admin, [{name: topic, partitions: 1}]);
            if (end !== BigInt(file.records)) throw new Error(`${topic}: ${end} records stored, ${file.records} produced (kcat: ${r.stderr.trim().slice(0, 300)})`);
            results.push({c, ms: r.ms, cpu: broker.cpuSeconds() - cpu0, kcatCpu: r.cpuSeconds});
            if (c.codec === 'none' && c.acks === '1') topics.push({name: topic, file});
          }
          const after = await produceLimit(file, join(workDir, 'limit-sink.bin'));
          const ceilingsAfter = await produceCeilings(ctx, cases);
          const limit = Math.max(before, after);
          for (const [i, {c, ms, cpu, kcatCpu}] of results.entries()) {
            const mb = mbPerSec(file.bytes, ms);
            const ceiling = better(ceilingsBefore[i]!, ceilingsAfter[i]!);
            report.add({
              group: 'produce', name: `${file.recordBytes} B, acks=${c.acks}, ${c.codec}`,
              result: `${fmtNumber(file.records / (ms / 1000))} rec/s, ${fmtNumber(mb, 1)} MB/s, CPU broker ${cpuPct(cpu, ms)} kcat ${cpuPct(kcatCpu, ms)}`,
              limit: `${fmtNumber(limit / file.recordBytes * 1e6)} rec/s, ${fmtNumber(limit, 1)} MB/s`,
              ofLimit: pctOf(mb, limit), target: TARGET, met: mb >= 0.7 * limit,
              ...ceilingCells(mb, ceiling),
            });
          }
        }
      } finally {
        admin.close();
      }
    } finally {
      await broker.stop();
    }
    await replayCases(ctx, recordings);
  } finally {
    await Promise.all(recordings.flatMap((r) => [r.path, `${r.canned}.json`, `${r.canned}.bin`]).map((f) => rm(f, {force: true})));
  }
  const consumers = await recordConsumers(ctx, dataDir, topics);
  try {
    // A fresh broker process on the same data (page cache still warm): the first consumers see a
    // cold process (no open segments, no JIT), and a CPU profile covers fetching alone.
    const broker = await BrokerProcess.start({dataDir, cpuProfDir: profile('fetch')});
    try {
      await fetchCases(ctx, broker, dataDir, topics, consumers);
    } finally {
      await broker.stop();
    }
  } finally {
    await Promise.all([...consumers.values()].flatMap((p) => [`${p}.json`, `${p}.bin`]).map((f) => rm(f, {force: true})));
  }
}

/**
 * One unmeasured kcat -P of `file` into a topic of its own, so that the first measured row does not
 * pay for the broker process's start (JIT compilation, first buffers): in a fresh broker the first
 * 40 MB took about 1.4x as long as the same command right after.
 */
async function warmUpWithKcat(broker: BrokerProcess, admin: Awaited<ReturnType<typeof connect>>, file: RecordFile): Promise<void> {
  const topic = 'warm-up';
  await createTopic(admin, topic, 1);
  const r = await runWithCpu(KCAT, kcatProduceArgs(broker.address, topic, file, CASES[0]!));
  const end = await endOffsetSum(admin, [{name: topic, partitions: 1}]);
  if (end !== BigInt(file.records)) throw new Error(`warm-up: ${end} records stored, ${file.records} produced (kcat: ${r.stderr.trim().slice(0, 300)})`);
}

/**
 * The same for the replay broker: `rec` replayed once, unmeasured, into a topic of its own. The
 * recorded requests name their topic, so the copy names another of the same length ("produce-" ->
 * "prewarm-"; records are not compared with it: their bytes come from the record file).
 */
async function warmUpWithReplay(ctx: BenchContext, broker: BrokerProcess, admin: Awaited<ReturnType<typeof connect>>, rec: Recording): Promise<void> {
  const topic = rec.topic.replace(/^produce-/, 'prewarm-');
  if (topic.length !== rec.topic.length || topic === rec.topic) throw new Error(`warm-up: cannot rename topic ${rec.topic}`);
  const bytes = await readFile(rec.path);
  const from = Buffer.from(rec.topic);
  const to = Buffer.from(topic);
  let renamed = 0;
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + from.length)) {
    to.copy(bytes, at);
    renamed++;
  }
  if (renamed < rec.stream.produce.requests) throw new Error(`warm-up: the topic name appears ${renamed} times in ${rec.stream.produce.requests} Produce requests`);
  const path = join(ctx.workDir, 'replay-warm-up.bin');
  await writeFile(path, bytes);
  try {
    await createTopic(admin, topic, 1);
    await replay(broker.address, path, rec.stream.expectedResponses, join(ctx.workDir, 'replay-responses.bin'));
    const end = await endOffsetSum(admin, [{name: topic, partitions: 1}]);
    if (end !== BigInt(rec.stream.produce.records)) throw new Error(`warm-up replay: ${end} records stored, ${rec.stream.produce.records} replayed`);
  } finally {
    await rm(path, {force: true});
  }
}

/** A kcat-ceiling figure: MB/s and kcat's CPU, or why it could not be measured. */
type Ceiling = {mb: number; kcatCpu: string} | {error: string};

const better = (a: Ceiling, b: Ceiling): Ceiling => ('error' in a ? b : 'error' in b ? a : a.mb >= b.mb ? a : b);

function ceilingCells(mb: number, c: Ceiling): {ceiling: string; ofCeiling: string} {
  if ('error' in c) return {ceiling: `failed: ${c.error.slice(0, 200)}`, ofCeiling: '-'};
  return {ceiling: `${fmtNumber(c.mb, 1)} MB/s, CPU kcat ${c.kcatCpu}`, ofCeiling: pctOf(mb, c.mb)};
}

/** kcat -P of each recorded case against kafka-sink.mjs; a failure is reported in the row, not thrown. */
async function produceCeilings(ctx: BenchContext, cases: Recording[]): Promise<Ceiling[]> {
  const out: Ceiling[] = [];
  for (const rec of cases) {
    try {
      const r = await produceCeiling(KCAT, (address) => kcatProduceArgs(address, rec.topic, rec.file, rec.c), rec.canned, join(ctx.workDir, 'kcat-sink.bin'));
      if (r.records !== rec.file.records) throw new Error(`kafka-sink.mjs acknowledged ${r.records} records, the file has ${rec.file.records}`);
      if (Math.abs(r.bytes - rec.bytes) > 0.1 * rec.bytes) throw new Error(`kafka-sink.mjs received ${r.bytes} bytes, the recorded stream of the same command has ${rec.bytes}`);
      out.push({mb: mbPerSec(rec.file.bytes, r.ms), kcatCpu: cpuPct(r.kcatCpuSeconds, r.ms)});
    } catch (err) {
      process.stderr.write(`  kcat ceiling of ${rec.topic} failed: ${(err as Error).message}\n`);
      out.push({error: (err as Error).message});
    }
  }
  return out;
}

interface Recording {
  c: ProduceCase;
  file: RecordFile;
  topic: string;
  /** The client-to-broker bytes of kcat's one connection. */
  path: string;
  bytes: number;
  stream: RequestStream;
  /** The broker's ApiVersions and Metadata answers, for kafka-sink.mjs (lib/canned.ts). */
  canned: string;
}

/**
 * Each produce case run once with the same kcat command through a recording proxy, which saves
 * kcat's bytes (for the replayed rows) and the broker's answers (for the kcat ceiling).
 */
async function recordCases(ctx: BenchContext, files: RecordFile[]): Promise<Recording[]> {
  const {workDir} = ctx;
  const recordDir = join(workDir, 'record-data');
  const recordings: Recording[] = [];
  const proxy = await RecordingProxy.start();
  // Metadata advertises the proxy, so kcat reconnects through it rather than straight to the broker.
  const recorder = await BrokerProcess.start({dataDir: recordDir, advertise: proxy.address});
  proxy.target = recorder.address;
  try {
    const admin = await connect(recorder.address);
    try {
      for (const file of files) {
        for (const c of CASES) {
          const topic = `produce-${file.recordBytes}-acks${c.acks}-${c.codec}`;
          await createTopic(admin, topic, 1);
          proxy.recordTo(join(workDir, `recorded-${topic}`), true);
          const first = proxy.connections.length;
          const r = await runWithCpu(KCAT, kcatProduceArgs(proxy.address, topic, file, c));
          await proxy.closeConnections();
          const end = await endOffsetSum(admin, [{name: topic, partitions: 1}]);
          if (end !== BigInt(file.records)) throw new Error(`recording ${topic}: ${end} records stored, ${file.records} produced (kcat: ${r.stderr.trim().slice(0, 300)})`);
          const connections = proxy.connections.slice(first);
          const canned = join(workDir, `canned-${topic}`);
          await writeCanned(connections, canned, proxy.port, [ApiKey.Produce]);
          const recorded: Recording[] = [];
          for (const conn of connections) {
            await rm(conn.responsesPath!, {force: true});
            const stream = parseRequestStream(await readFile(conn.path));
            if (stream.produce.requests > 0) recorded.push({c, file, topic, path: conn.path, bytes: conn.bytes, stream, canned});
            else await rm(conn.path, {force: true});
          }
          if (recorded.length !== 1) throw new Error(`recording ${topic}: kcat produced over ${recorded.length} connections, expected 1`);
          const {produce} = recorded[0]!.stream;
          // A replay of what the broker stored once must store it once more: no retried batches,
          // and no producer id (kcat's default enable.idempotence=false) that a fresh broker never issued.
          if (produce.records !== file.records || produce.byPartition.get(`${topic}-0`) !== file.records) {
            throw new Error(`recording ${topic}: ${produce.records} records in the Produce requests, ${file.records} in the file (retries?)`);
          }
          if ([...produce.producerIds].some((id) => id !== -1n)) throw new Error(`recording ${topic}: batches carry producer ids ${[...produce.producerIds].join(', ')}; the replay needs -1`);
          recordings.push(recorded[0]!);
        }
      }
    } finally {
      admin.close();
    }
  } catch (err) {
    await Promise.all(recordings.flatMap((r) => [r.path, `${r.canned}.json`, `${r.canned}.bin`]).map((f) => rm(f, {force: true})));
    throw err;
  } finally {
    await proxy.close();
    await recorder.stop();
    await rm(recordDir, {recursive: true, force: true});
  }
  return recordings;
}

/**
 * The produce cases again with the same load generator on both sides: the recorded bytes are
 * replayed by one Node sender (gen/replay.mjs) to a fresh broker and by send-file.mjs to
 * socket-to-file.mjs, so the ratio no longer depends on kcat's own CPU time.
 */
async function replayCases(ctx: BenchContext, recordings: Recording[]): Promise<void> {
  const {report, settings, workDir} = ctx;
  const replayDir = join(workDir, 'replay-data');
  try {
    const profile = settings.profileDir && join(settings.profileDir, 'replay');
    const broker = await BrokerProcess.start({dataDir: replayDir, cpuProfDir: profile});
    try {
      const admin = await connect(broker.address);
      try {
        await warmUpWithReplay(ctx, broker, admin, recordings[0]!);
        for (const rec of recordings) await replayCase(ctx, broker, admin, rec);
      } finally {
        admin.close();
      }
    } finally {
      await broker.stop();
    }
    const s = recordings[0]!.stream;
    report.note(`Produce, librdkafka requests replayed: each produce case is run once more with the same kcat command through a recording proxy in the bench (kcat's bytes to the broker saved, the broker's answers passed back; the broker advertises the proxy, so kcat's one connection goes through it), checked like the kcat rows and for producer id -1 in every batch (kcat's default enable.idempotence=false, no retried batches). A fresh broker with the same topics (warmed up by one unmeasured replay of the first stream into a topic of its own) then receives each recorded stream on one connection from gen/replay.mjs, a Node sender that writes the file like send-file.mjs (1 MiB reads, socket backpressure) and counts response frames; time from the first byte sent to the last response, one response per request (${Object.entries(s.apis).map(([k, v]) => `${v} ${k}`).join(', ')} in the first stream). Every response is then decoded (correlation ids in order, no Produce partition error) and the end offset must grow by the records in the stream. Limit: send-file.mjs streams the same recorded file to socket-to-file.mjs. ${REPLAY_RUNS} runs of each per case, in turns (limit, replay, limit, ...), the best of each counting; all are shown (a case lasts about 0.1 s, and single runs moved by up to 20%). MB/s counts payload bytes as the kcat rows do. CPU broker / sender: the broker's and gen/replay.mjs's CPU time over the replay's wall time.`);
  } finally {
    await rm(replayDir, {recursive: true, force: true});
  }
}

/**
 * Replays and limit runs of each recorded stream, taken in turns (limit, replay, limit, ...): this
 * many of each, the best of each counting. A 40 MB case lasts about 0.1 s, where one run of either
 * side moved by up to 20% on this shared VM.
 */
const REPLAY_RUNS = 3;

async function replayCase(ctx: BenchContext, broker: BrokerProcess, admin: Awaited<ReturnType<typeof connect>>, rec: Recording): Promise<void> {
  const {report, workDir} = ctx;
  const {c, file, topic, stream} = rec;
  await createTopic(admin, topic, 1);
  const limits: number[] = [];
  const runs: Array<{mb: number; ms: number; cpu: number; senderCpu: number}> = [];
  for (let run = 1; run <= REPLAY_RUNS; run++) {
    const l = await socketToFileLimit(rec.path, join(workDir, 'limit-sink.bin'));
    if (l.bytes !== rec.bytes) throw new Error(`limit for ${topic}: ${l.bytes} of ${rec.bytes} bytes arrived`);
    limits.push(mbPerSec(file.bytes, l.ms));
    const cpu0 = broker.cpuSeconds();
    const r = await replay(broker.address, rec.path, stream.expectedResponses, join(workDir, 'replay-responses.bin'));
    const cpu = broker.cpuSeconds() - cpu0;
    const problem = checkResponses(stream, r.responses);
    if (problem) throw new Error(`replay ${topic}: ${problem}; broker log: ${broker.recentLog(3).join(' | ')}`);
    // Each replay appends the stream's records once more to the same partition.
    const end = await endOffsetSum(admin, [{name: topic, partitions: 1}]);
    if (end !== BigInt(stream.produce.records * run)) throw new Error(`replay ${topic} #${run}: ${end} records stored, ${stream.produce.records * run} in ${run} replays of the requests`);
    runs.push({mb: mbPerSec(file.bytes, r.ms), ms: r.ms, cpu, senderCpu: r.cpuSeconds});
  }
  const limit = Math.max(...limits);
  const best = runs.reduce((a, b) => (b.mb > a.mb ? b : a));
  report.add({
    group: 'produce', name: `${file.recordBytes} B, acks=${c.acks}, ${c.codec}, librdkafka requests replayed`,
    result: `${fmtNumber(file.records / (best.ms / 1000))} rec/s, ${fmtNumber(best.mb, 1)} MB/s (of ${runs.map((r) => fmtNumber(r.mb, 0)).join('/')}), CPU broker ${cpuPct(best.cpu, best.ms)} sender ${cpuPct(best.senderCpu, best.ms)}`,
    limit: `${fmtNumber(limit / file.recordBytes * 1e6)} rec/s, ${fmtNumber(limit, 1)} MB/s (of ${limits.map((l) => fmtNumber(l, 0)).join('/')})`,
    ofLimit: pctOf(best.mb, limit), target: TARGET, met: best.mb >= 0.7 * limit,
  });
}

async function segmentFiles(dataDir: string, topic: string): Promise<{files: string[]; bytes: number}> {
  const dir = join(dataDir, `${topic}-0`);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort().map((f) => join(dir, f));
  let bytes = 0;
  for (const f of files) bytes += (await stat(f)).size;
  return {files, bytes};
}

/**
 * The kcat consumer of every fetch row, against the broker, the recording proxy or kafka-source.mjs.
 * From offset 0 (where these topics start) rather than `-o beginning`: for that, librdkafka 2.0.2
 * first sends ListOffsets, and when the partition is started before the first Metadata answer has
 * given it a leader, rd_kafka_toppar_offset_request puts the query off by 500 ms (its debug log
 * shows the gap). A client-side race, with any broker; here it hit at least one of 4 consumers in
 * 7 of 10 rounds, and made a 0.3 s row take 0.7 s.
 */
const kcatConsumeArgs = (address: string, topic: string): string[] => ['-C', '-b', address, '-t', topic, '-o', '0', '-e',
  '-X', 'fetch.max.bytes=52428800', '-X', 'queued.max.messages.kbytes=1048576', '-X', 'fetch.wait.max.ms=5'];

/** kcat -e says where it stopped on stderr: every consumer must have reached the end offset. */
function checkReachedEnd(runs: Array<{stderr: string}>, topic: string, records: number, what: string): void {
  const line = `Reached end of topic ${topic} [0] at offset ${records}`;
  const short = runs.filter((r) => !r.stderr.includes(line));
  if (short.length > 0) throw new Error(`${what}: ${short.length} of ${runs.length} kcat consumers did not print "${line}": ${short[0]!.stderr.trim().slice(-200)}`);
}

/**
 * One kcat -C -e per topic through a recording proxy in front of a broker on the produced data, so
 * that kafka-source.mjs can give kcat the broker's own answers (the kcat ceiling of the fetch rows).
 * Returns the canned-answer prefix per topic.
 */
async function recordConsumers(ctx: BenchContext, dataDir: string, topics: Array<{name: string; file: RecordFile}>): Promise<Map<string, string>> {
  const canned = new Map<string, string>();
  const proxy = await RecordingProxy.start();
  const recorder = await BrokerProcess.start({dataDir, advertise: proxy.address});
  proxy.target = recorder.address;
  try {
    for (const {name, file} of topics) {
      proxy.recordTo(join(ctx.workDir, `recorded-consumer-${name}`), true);
      const first = proxy.connections.length;
      const r = await runWithCpu(KCAT, kcatConsumeArgs(proxy.address, name), {stdoutTo: 'ignore'});
      await proxy.closeConnections();
      checkReachedEnd([r], name, file.records, `recording kcat -C of ${name}`);
      const connections = proxy.connections.slice(first);
      const prefix = join(ctx.workDir, `canned-consumer-${name}`);
      canned.set(name, prefix);
      await writeCanned(connections, prefix, proxy.port);
      await Promise.all(connections.flatMap((c) => [c.path, c.responsesPath!]).map((f) => rm(f, {force: true})));
    }
  } catch (err) {
    await Promise.all([...canned.values()].flatMap((p) => [`${p}.json`, `${p}.bin`]).map((f) => rm(f, {force: true})));
    throw err;
  } finally {
    await proxy.close();
    await recorder.stop();
  }
  return canned;
}

/** `consumers` kcat -C -e at once against kafka-source.mjs; a failure is reported in the rows, not thrown. */
async function fetchCeilingOf(ctx: BenchContext, name: string, file: RecordFile, bytes: number, canned: string): Promise<Ceiling> {
  const n = ctx.settings.consumers;
  try {
    const r = await fetchCeiling(KCAT, (address) => kcatConsumeArgs(address, name), n, canned);
    checkReachedEnd(r.runs, name, file.records, `kcat ceiling of ${name}`);
    return {mb: mbPerSec(bytes * n, r.ms), kcatCpu: cpuPct(r.kcatCpuSeconds, r.ms)};
  } catch (err) {
    process.stderr.write(`  kcat ceiling of ${name} failed: ${(err as Error).message}\n`);
    return {error: (err as Error).message};
  }
}

async function fetchCases(ctx: BenchContext, broker: BrokerProcess, dataDir: string, topics: Array<{name: string; file: RecordFile}>, canned: Map<string, string>): Promise<void> {
  const {report, settings} = ctx;
  const n = settings.consumers;
  report.note(`Fetch: ${n} kcat -C -e -o 0 processes at once on the topic written above (which starts at offset 0; with -o beginning librdkafka 2.0.2 often put its first ListOffsets off by 500 ms: when a partition starts before Metadata has given it a leader, rd_kafka_toppar_offset_request retries after 500 ms, a client-side race with any broker) (in the page cache), first right after a broker restart (cold process: segments not open, code not optimized), then again (from cache), with -X fetch.wait.max.ms=5 (otherwise the last, empty Fetch that tells kcat -e it reached the end long-polls 500 ms, as on Kafka, and that wait would dominate); output to /dev/null; each kcat must print that it reached the end at the topic's end offset; MB/s counts the log bytes each consumer received (the topic's .log files) over the wall time of all. Limit: file-to-socket.mjs sends the same .log files to ${n} connections of drain.mjs (one Node process), which discards them.`);
  report.note(`kcat ceiling (fetch rows with kcat consumers): one kcat -C -e of the same command is recorded through the proxy in front of a broker on the same data (the requests and the broker's answers), then the same ${n} kcat -C -e at once run against limit/kafka-source.mjs: a Node program that, like file-to-socket.mjs, reads a file and writes a socket, answering each request with the recorded answer to the same request (same bytes but the correlation id; ApiVersions and Metadata by version; the port it listens on advertised), read from the recording file at request time. For the same data and settings librdkafka sends the same requests from run to run, apart from Metadata; a request the recording lacks ends the program and the ceiling column shows "failed: ...". The last, empty Fetch is answered at once rather than after fetch.wait.max.ms, so kcat may send it a few more times before it exits. Each kcat must reach the end offset. Measured before and after the two kcat rows of the topic, the higher counts; kcat's CPU is paid on both sides. An additional comparison, not a replacement for the Node limit.`);
  for (const {name, file} of topics) {
    const {files, bytes} = await segmentFiles(dataDir, name);
    const ceilingBefore = await fetchCeilingOf(ctx, name, file, bytes, canned.get(name)!);
    const rows: Array<{row: Row; mb: number}> = [];
    for (const when of ['first read after restart', 'from cache']) rows.push(await fetchOnce(ctx, broker, name, file, files, bytes, when));
    const ceiling = better(ceilingBefore, await fetchCeilingOf(ctx, name, file, bytes, canned.get(name)!));
    for (const {row, mb} of rows) report.add({...row, ...ceilingCells(mb, ceiling)});
    {
      const r = await fetchLoop(broker.address, name, BigInt(file.records));
      const limitRun = await fileToSocketLimit(files, 1);
      const mb = mbPerSec(r.bytes, r.ms);
      const limit = mbPerSec(limitRun.bytes, limitRun.ms);
      report.add({group: 'fetch', name: `${file.recordBytes} B, 1 connection, sequential 1 MiB Fetch requests`,
        result: `${fmtNumber(mb, 1)} MB/s; per Fetch: first byte ${r.firstByteMs.toFixed(2)} ms, last ${r.lastByteMs.toFixed(2)} ms (medians)`,
        limit: `${fmtNumber(limit, 1)} MB/s`, ofLimit: pctOf(mb, limit)});
    }
    {
      const cpu0 = broker.cpuSeconds();
      const r = await rawFetch(broker.address, name, BigInt(file.records), n);
      const cpu = broker.cpuSeconds() - cpu0;
      if (r.perConnection.some((b) => b !== bytes)) throw new Error(`raw Fetch of ${name}: connections received ${r.perConnection.join(', ')} bytes of batches, the log has ${bytes}`);
      const limitRun = await fileToSocketLimit(files, n);
      const mb = mbPerSec(r.bytes, r.ms);
      const limit = mbPerSec(limitRun.bytes, limitRun.ms);
      report.add({group: 'fetch', name: `${file.recordBytes} B, ${n} connections at once, sequential 1 MiB Fetch requests`,
        result: `${fmtNumber((file.records * n) / (r.ms / 1000))} rec/s, ${fmtNumber(mb, 1)} MB/s, CPU broker ${cpuPct(cpu, r.ms)} fetchers ${cpuPct(r.cpuSeconds, r.ms)}`,
        limit: `${fmtNumber(limit, 1)} MB/s`, ofLimit: pctOf(mb, limit), target: TARGET, met: mb >= 0.7 * limit});
    }
  }
  report.note('Fetch round trips: one connection over the project\'s codec sends Fetch v12 requests one at a time (1 MiB per partition, librdkafka\'s default) through the whole topic on a raw socket, timing each response to its first and last byte (decoding not timed): the broker\'s time per Fetch without kcat\'s record handling; limit: file-to-socket.mjs to one connection.');
  report.note(`Fetch, ${n} connections at once: the same sequential Fetch v12 requests (1 MiB per partition, the next sent when the previous response ended) on ${n} raw sockets at once from one Node process (gen/fetch.mjs), each reading the whole topic and discarding it: every chunk a socket reads is parsed as it comes (the response's small fields and each batch header, for the next offset; no records decoded) and then dropped, as drain.mjs drops its chunks. Each connection must receive exactly the topic's .log bytes in complete batches; MB/s counts those over the wall time from the first connect until all reached the end. Limit: the ${n}-consumer limit above (file-to-socket.mjs to ${n} connections of drain.mjs), measured again right after. CPU fetchers: gen/fetch.mjs's CPU time over the same time.`);
}

async function fetchOnce(ctx: BenchContext, broker: BrokerProcess, name: string, file: RecordFile, files: string[], bytes: number, when: string): Promise<{row: Row; mb: number}> {
  const n = ctx.settings.consumers;
  const start = process.hrtime.bigint();
  const cpu0 = broker.cpuSeconds();
  const runs = await Promise.all(Array.from({length: n}, () => runWithCpu(KCAT, kcatConsumeArgs(broker.address, name), {stdoutTo: 'ignore'})));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = broker.cpuSeconds() - cpu0;
  checkReachedEnd(runs, name, file.records, `fetch ${name}`);
  const kcatCpu = runs.reduce((sum, r) => sum + r.cpuSeconds, 0);
  const limitRun = await fileToSocketLimit(files, n);
  const mb = mbPerSec(bytes * n, ms);
  const limit = mbPerSec(limitRun.bytes, limitRun.ms);
  return {mb, row: {
    group: 'fetch', name: `${file.recordBytes} B, ${n} consumers, ${when}`,
    result: `${fmtNumber((file.records * n) / (ms / 1000))} rec/s, ${fmtNumber(mb, 1)} MB/s, CPU broker ${cpuPct(cpu, ms)} kcats ${cpuPct(kcatCpu, ms)}`,
    limit: `${fmtNumber(limit, 1)} MB/s`, ofLimit: pctOf(mb, limit), target: TARGET, met: mb >= 0.7 * limit,
  }};
}
