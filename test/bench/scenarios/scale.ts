/**
 * Scale: BENCH_PARTITIONS partitions (topics of 1,000 partitions: create, Metadata for all,
 * ListOffsets for all in one request, Produce to all in one request, as librdkafka sends one
 * request per broker, and Fetch from all in one request), then BENCH_CONNECTIONS idle connections, then BENCH_GROUPS consumer groups
 * (find the coordinator, retried while it is not available; join, sync, commit, fetch offsets)
 * at once. A probe connection (its own process, gen/probe.mjs) sends ApiVersions every 10 ms throughout, so a request that
 * blocks the broker's event loop shows up as probe latency too.
 * CreateTopics is answered once the topic is durable and the broker makes the partition
 * directories in the background; the scenario waits for them (watching the data dir) before
 * Metadata, so the later rows measure created partitions, and reports how long they took.
 */
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {BrokerProcess} from '../lib/broker-process.js';
import {connect, createTopic, timed} from '../lib/admin.js';
import {RawConnection} from '../lib/raw-request.js';
import {ApiKey} from '../../../src/protocol/api.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {fmtMs, fmtNumber, quantile} from '../lib/stats.js';
import type {BenchContext} from '../lib/context.js';
import {splitHostPort, type ProtocolClient} from '../../../src/client/protocol-client.js';
import {groupRound} from './groups.js';
import {appendManyLimit} from '../lib/limits.js';

const PER_TOPIC = 1000;
const TARGET = '< 100 ms';
/** How long to wait for the broker to make every partition directory before going on without. */
const DIRECTORIES_TIMEOUT_MS = 600_000;

/** Resolves with the time until every `<topic>-<partition>/partition.metadata` exists (the broker writes it last), or null on timeout. */
async function directoriesMade(dataDir: string, topics: Array<{name: string; partitions: number}>): Promise<number | null> {
  const start = performance.now();
  let missing = topics.flatMap((t) => Array.from({length: t.partitions}, (_, p) => join(dataDir, `${t.name}-${p}`, 'partition.metadata')));
  for (;;) {
    missing = missing.filter((file) => !existsSync(file));
    if (missing.length === 0) return performance.now() - start;
    if (performance.now() - start > DIRECTORIES_TIMEOUT_MS) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * ApiVersions every 10 ms on its own connection, from a process of its own (gen/probe.mjs), so that
 * this process's work (1,000 connections opened, 10,000-partition requests encoded) never delays
 * it; stop() returns the latencies seen and when each was sent (ms since the epoch).
 */
function probe(address: string): {stop: () => Promise<Array<{at: number; ms: number}>>} {
  const {host, port} = splitHostPort(address);
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'gen', 'probe.mjs'), host, String(port), '10'], {stdio: ['pipe', 'pipe', 'pipe']});
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = once(child, 'close');
  let result: Promise<Array<{at: number; ms: number}>> | undefined;
  return {stop: () => (result ??= (async () => {
    child.stdin!.end();
    const [code] = (await exited) as [number | null];
    if (code !== 0) throw new Error(`probe exited with ${code}: ${stderr.trim()}`);
    return (JSON.parse(stdout) as Array<[number, number]>).map(([at, ms]) => ({at, ms}));
  })())};
}

/** Now, in ms since the epoch: comparable with the probe's send times. */
const epochNow = () => performance.timeOrigin + performance.now();

export async function scale(ctx: BenchContext): Promise<void> {
  const {report, settings, workDir} = ctx;
  const dataDir = join(workDir, 'scale-data');
  const records = await encodeBatch({records: [{key: null, value: Buffer.alloc(100, 120)}]});
  // The kernel's share of the Produce and Fetch rows, by a bare loop before the broker starts.
  const measured = await appendManyLimit(workDir, settings.partitions, records.length, 3).catch((err: Error) => {
    report.note(`Scale: no machine limit for the Produce and Fetch rows: ${err.message}`);
    return undefined;
  });
  if (measured) {
    report.note(`Scale, machine limit of the Produce and Fetch rows: limit/append-many.mjs, run before the broker starts, makes ${fmtNumber(settings.partitions)} directories with an empty segment file each, kept open, then times 3 rounds of one positional writeSync of the same ${records.length}-byte batch to every file (the first round writes each file's first block, as the first Produce does), then one readSync of every file's ${fmtNumber(records.length * 3)} bytes: the kernel's share of those requests, on one thread, with no socket, decoding or encoding. For these rows % of limit is the limit's time over the broker's.`);
  }
  const broker = await BrokerProcess.start({dataDir, cpuProfDir: settings.profileDir, set: {'group.initial.rebalance.delay.ms': 0}});
  const admin = await connect(broker.address);
  const watch = probe(broker.address);
  const idle: ProtocolClient[] = [];
  try {
    const row = (name: string, ms: number, limitMs?: number) => report.add({group: 'scale', name, result: fmtMs(ms), target: TARGET, met: ms < 100,
      ...(limitMs === undefined ? {} : {limit: fmtMs(limitMs), ofLimit: `${Math.round((limitMs / ms) * 100)}%`})});
    const steps: Array<{at: number; what: string}> = [];
    const step = (what: string) => {
      steps.push({at: epochNow(), what});
      process.stderr.write(`    ${what} ...\n`);
    };

    // Topics of 1,000 partitions until BENCH_PARTITIONS, or until the broker's open-file limit would
    // be hit (it would fail with EMFILE and stop accepting connections): measured per partition.
    step('create topics');
    const topics: Array<{name: string; partitions: number}> = [];
    const creates: number[] = [];
    const fdsAtStart = broker.openFds();
    const reserve = settings.connections + 500; // idle connections, __consumer_offsets, segment rolls
    let fdsPerPartition = 0;
    for (let created = 0; created < settings.partitions;) {
      const t = {name: `scale-${topics.length}`, partitions: Math.min(PER_TOPIC, settings.partitions - created)};
      if (fdsPerPartition > 0 && broker.openFds() + t.partitions * fdsPerPartition + reserve > broker.fdLimit()) break;
      creates.push((await timed(() => createTopic(admin, t.name, t.partitions))).ms);
      topics.push(t);
      created += t.partitions;
      fdsPerPartition = (broker.openFds() - fdsAtStart) / created;
    }
    const total = topics.reduce((s, t) => s + t.partitions, 0);
    // Compared only at the same partition count.
    const limit = total === settings.partitions ? measured : undefined;
    if (total < settings.partitions) {
      report.add({group: 'scale', name: `${fmtNumber(settings.partitions)} partitions`, target: 'all created', met: false,
        result: `stopped at ${fmtNumber(total)}: the broker holds ${fmtNumber(fdsPerPartition, 1)} open files per partition and its limit is ${fmtNumber(broker.fdLimit())} (ulimit -n)`});
    }
    report.add({group: 'scale', name: `CreateTopics ${topics.length} x ${fmtNumber(PER_TOPIC)} partitions, per topic`,
      result: `median ${fmtMs(quantile(creates, 0.5))}, slowest ${fmtMs(Math.max(...creates))}`, target: TARGET, met: Math.max(...creates) < 100});
    step('partition directories');
    const made = await directoriesMade(dataDir, topics);
    report.add({group: 'scale', name: `  all ${fmtNumber(total)} partition directories made (in the background), after the last answer`,
      result: made === null ? `not within ${DIRECTORIES_TIMEOUT_MS / 1000} s` : `${fmtNumber(made / 1000, 1)} s`});
    // Metadata, ListOffsets and Produce for every partition are timed on a raw socket with the
    // request encoded beforehand and the response decoded afterwards: encoding 10,000 partitions
    // costs this Node client 30-70 ms each way, which is not the broker's time.
    const raw = await RawConnection.open(broker.address);
    step('metadata');
    const metadata = [];
    for (let i = 0; i < 3; i++) metadata.push((await raw.timed(ApiKey.Metadata, 12, {topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false})).ms);
    row(`Metadata, all ${fmtNumber(total)} partitions, slowest of 3`, Math.max(...metadata));
    step('list offsets');
    const lists = [];
    const listBody = {replicaId: -1, isolationLevel: 0, timeoutMs: 60_000, topics: topics.map((t) => ({name: t.name,
      partitions: Array.from({length: t.partitions}, (_, i) => ({partitionIndex: i, currentLeaderEpoch: -1, timestamp: -1n}))}))};
    for (let i = 0; i < 3; i++) {
      const {value, ms} = await raw.timed<any>(ApiKey.ListOffsets, 8, listBody);
      const failed = value.topics.flatMap((t: any) => t.partitions).filter((p: any) => p.errorCode !== 0).length;
      if (failed > 0) throw new Error(`ListOffsets: ${failed} partitions failed`);
      lists.push(ms);
    }
    row(`ListOffsets, all ${fmtNumber(total)} partitions in one request, slowest of 3`, Math.max(...lists));
    const produceBody = {transactionalId: null, acks: 1, timeoutMs: 30_000,
      topicData: topics.map((t) => ({name: t.name, partitionData: Array.from({length: t.partitions}, (_, index) => ({index, records}))}))};
    step('produce');
    const produces = [];
    for (let i = 0; i < 3; i++) {
      const {value, ms} = await raw.timed<any>(ApiKey.Produce, 9, produceBody);
      const errors = new Map<number, number>();
      for (const p of value.responses.flatMap((r: any) => r.partitionResponses)) if (p.errorCode !== 0) errors.set(p.errorCode, (errors.get(p.errorCode) ?? 0) + 1);
      if (errors.size > 0) {
        const codes = [...errors].map(([code, n]) => `${n} x error ${code}`).join(', ');
        report.add({group: 'scale', name: `Produce to all ${fmtNumber(total)} partitions in one request, round ${i + 1}`, target: 'no errors', met: false,
          result: `${fmtMs(ms)}, ${codes}; broker log: ${broker.recentLog(1).join(' ').slice(0, 200)}`});
      }
      produces.push(ms);
    }
    row(`Produce to all ${fmtNumber(total)} partitions in one request, first (new segments)`, produces[0]!, limit?.appendMs[0]);
    row(`Produce to all ${fmtNumber(total)} partitions in one request, slowest of the next 2`, Math.max(...produces.slice(1)), limit && Math.max(...limit.appendMs.slice(1)));
    // What a consumer of every partition sends when it catches up: all of them from offset 0.
    step('fetch');
    const fetchBody = {replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 50 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      forgottenTopicsData: [], rackId: '', topics: topics.map((t) => ({topic: t.name, partitions: Array.from({length: t.partitions}, (_, partition) =>
        ({partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1024 * 1024}))}))};
    const fetches = [];
    for (let i = 0; i < 3; i++) {
      const {value, ms} = await raw.timed<any>(ApiKey.Fetch, 12, fetchBody);
      const parts = value.responses.flatMap((r: any) => r.partitions);
      const empty = parts.filter((p: any) => p.errorCode !== 0 || p.records === null || p.records.length === 0).length;
      if (empty > 0) throw new Error(`Fetch: ${empty} of ${parts.length} partitions failed or returned no records`);
      fetches.push(ms);
    }
    row(`Fetch from all ${fmtNumber(total)} partitions in one request (offset 0, 3 batches each), slowest of 3`, Math.max(...fetches), limit?.readMs);
    raw.close();

    step('idle connections');
    const rssBefore = broker.rssMiB();
    const {ms: connectMs} = await timed(async () => {
      for (let i = 0; i < settings.connections; i += 50) {
        idle.push(...await Promise.all(Array.from({length: Math.min(50, settings.connections - i)}, () => connect(broker.address, 'idle'))));
      }
    });
    const withIdle: number[] = [];
    for (let i = 0; i < 200; i++) withIdle.push((await timed(() => admin.request(ApiKey.Metadata, {topics: [{name: 'scale-0'}], allowAutoTopicCreation: false}))).ms);
    report.add({group: 'scale', name: `${fmtNumber(settings.connections)} idle connections: connect + ApiVersions, all`, result: fmtMs(connectMs)});
    report.add({group: 'scale', name: `  Metadata(1 topic) p99 while they are open`, result: fmtMs(quantile(withIdle, 0.99)), target: TARGET, met: quantile(withIdle, 0.99) < 100});
    report.add({group: 'scale', name: `  broker RSS growth`, result: `${fmtNumber(broker.rssMiB() - rssBefore, 1)} MiB (${fmtNumber(broker.rssMiB(), 0)} MiB total)`});

    step('groups');
    const groups = await groupRound(idle.slice(0, settings.groups).length === settings.groups ? idle.slice(0, settings.groups) : [admin], settings.groups, topics[0]!.name);
    for (const [phase, ms] of Object.entries(groups.slowest)) row(`${settings.groups} groups at once: ${phase}, slowest`, ms);
    report.add({group: 'scale', name: `${settings.groups} groups: join+sync+commit+fetch, all`, result: fmtMs(groups.totalMs)});
    report.add({group: 'scale', name: `  FindCoordinator retries (COORDINATOR_NOT_AVAILABLE while the group's __consumer_offsets partition is created)`,
      result: fmtNumber(groups.findCoordinatorRetries)});

    const probes = await watch.stop();
    const latencies = probes.map((p) => p.ms);
    const worst = probes.reduce((a, b) => (b.ms > a.ms ? b : a));
    const during = steps.filter((s) => s.at <= worst.at + worst.ms).at(-1)?.what ?? 'start';
    report.add({group: 'scale', name: `ApiVersions probe every 10 ms throughout (own process): p99 / max`, target: TARGET, met: worst.ms < 100,
      result: `${fmtMs(quantile(latencies, 0.99))} / ${fmtMs(worst.ms)} (max during "${during}")`});
  } finally {
    await watch.stop().catch(() => undefined);
    for (const c of idle) c.close();
    admin.close();
    await broker.stop();
  }
}
