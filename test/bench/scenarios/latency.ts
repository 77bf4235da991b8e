/**
 * Produce latency at half load: a load generator in a process of its own (gen/latency.mjs) sends
 * single-batch Produce requests (10 records x 100 B, acks=1, one partition). First a closed loop
 * with 16 requests in flight finds the maximum request rate; then an open loop sends at 50% of it
 * on a 1 ms schedule and times every request from write to answer. The same open loop at the same
 * rate against limit/kafka-sink.mjs in sync mode, before and after it, gives the machine's limit.
 */
import {join} from 'node:path';
import {rm, writeFile} from 'node:fs/promises';
import {BrokerProcess} from '../lib/broker-process.js';
import {connect, createTopic, endOffsetSum} from '../lib/admin.js';
import {runLatencyGen, writeLatencyRequest, type LatencyRun} from '../lib/latency-gen.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {fmtMs, fmtNumber, quantile} from '../lib/stats.js';
import {startProgram, stopProgram} from '../lib/limits.js';
import type {BenchContext} from '../lib/context.js';

const TOPIC = 'latency';
/** Seconds of closed loop that warm up each generator (JIT, page cache, segment files), and that measure the maximum. */
const WARM_SECONDS = 1;
const MAX_SECONDS = 3;

/**
 * The same open loop at the same rate against limit/kafka-sink.mjs in sync mode (a Node program
 * that appends each chunk it reads with writeSync and answers every Produce it completes, nothing
 * decoded): the latencies the machine itself gives this client at this rate.
 */
async function limitRun(workDir: string, template: string, rate: number, seconds: number): Promise<LatencyRun> {
  // No recorded answers: the sink answers Produce only, all this client sends.
  const canned = join(workDir, 'latency-no-answers');
  await writeFile(`${canned}.json`, '[]');
  await writeFile(`${canned}.bin`, '');
  const scratch = join(workDir, 'latency-limit.bin');
  const sink = await startProgram('kafka-sink.mjs', [scratch, canned, 'sync']);
  try {
    const run = await runLatencyGen(`127.0.0.1:${sink.port}`, template, {warmSeconds: WARM_SECONDS, maxSeconds: MAX_SECONDS, rate, openSeconds: seconds}, join(workDir, 'latencies.bin'));
    const m = await stopProgram(sink, /records (\d+)/);
    if (Number(m[1]) !== run.sent * 10) throw new Error(`latency limit: ${run.sent} Produce requests sent, the sink acknowledged ${m[1]} records, not ${run.sent * 10}`);
    return run;
  } finally {
    sink.child.kill('SIGKILL');
    await rm(scratch, {force: true});
  }
}

export async function latency(ctx: BenchContext): Promise<void> {
  const {report, settings, workDir} = ctx;
  const records = await encodeBatch({records: Array.from({length: 10}, (_, i) => ({key: null, value: Buffer.alloc(100, 97 + i)}))});
  const template = join(workDir, 'latency-request.bin');
  await writeLatencyRequest(template, TOPIC, records);
  const broker = await BrokerProcess.start({dataDir: join(workDir, 'latency-data'), cpuProfDir: settings.profileDir});
  let measured: LatencyRun;
  let max: number;
  const limitRuns: LatencyRun[] = [];
  try {
    const client = await connect(broker.address);
    try {
      await createTopic(client, TOPIC, 1);
      const scratch = join(workDir, 'latencies.bin');
      const maxRun = await runLatencyGen(broker.address, template, {warmSeconds: WARM_SECONDS, maxSeconds: MAX_SECONDS, rate: 0, openSeconds: 0}, scratch);
      max = maxRun.max;
      // The limit runs before and after the broker's, at its rate (the broker idle meanwhile); the
      // lower p99 counts, as the throughput rows take the higher limit: writeback of the data of
      // earlier scenarios, or other load, slows one run of the three more than the others.
      limitRuns.push(await limitRun(workDir, template, max / 2, settings.latencySeconds));
      measured = await runLatencyGen(broker.address, template, {warmSeconds: WARM_SECONDS, maxSeconds: 0, rate: max / 2, openSeconds: settings.latencySeconds}, scratch);
      limitRuns.push(await limitRun(workDir, template, max / 2, settings.latencySeconds));
      // Every request appended its 10 records, or the figures would time failures.
      const sent = maxRun.sent + measured.sent;
      const end = await endOffsetSum(client, [{name: TOPIC, partitions: 1}]);
      if (end !== BigInt(sent * 10)) throw new Error(`latency: ${sent} Produce requests sent, but the log holds ${end} records, not ${sent * 10}`);
    } finally {
      client.close();
    }
  } finally {
    await broker.stop();
  }
  const p99 = (l: Float64Array) => quantile(Array.from(l), 0.99);
  const limit = limitRuns.reduce((a, b) => (p99(b.latencies) < p99(a.latencies) ? b : a));
  const values = Array.from(measured.latencies);
  const limitValues = Array.from(limit.latencies);
  const stalls = (r: LatencyRun) => `${r.stalls} (${fmtNumber(r.stalledMs)} ms)`;
  const rate = `${fmtNumber(max / 2)} req/s (50% of max ${fmtNumber(max)} req/s, 16 in flight)`;
  report.note(`Latency: ${values.length} Produce requests (1 batch of 10 x 100 B, acks=1) at ${rate} over ${settings.latencySeconds} s, from a load generator in a process of its own (gen/latency.mjs) that makes no garbage per request: the request is encoded once and copied into reused buffers, the requests due at each 1 ms tick are written at once, answers are read into a reused buffer and matched by correlation id without decoding; time from write to answer; the partition's end offset is checked afterwards. The generator's own event-loop ticks 2 ms or more late (time it would count as latency): ${stalls(measured)} in the broker's run, ${limitRuns.map(stalls).join(' and ')} in the limit's. Machine limit: the same generator, requests and rate against limit/kafka-sink.mjs in sync mode (a Node program that appends every chunk it reads with writeSync and then answers the Produce requests it completed, nothing decoded; ${fmtNumber(limit.max)} req/s at most with 16 in flight), run before and after the broker's open loop with the broker idle, the run with the lower p99 counting (p99 ${limitRuns.map((r) => fmtMs(p99(r.latencies))).join(' and ')}); for latency, % of limit is the limit's latency over the broker's (100% = as low as the limit).`);
  for (const [q, label] of [[0.5, 'p50'], [0.99, 'p99'], [0.999, 'p999']] as const) {
    const value = quantile(values, q);
    const floor = quantile(limitValues, q);
    report.add({
      group: 'latency', name: `produce ${label} at ${fmtNumber(max / 2)} req/s`, result: fmtMs(value),
      limit: fmtMs(floor), ofLimit: `${Math.round((floor / value) * 100)}%`,
      target: label === 'p99' ? '< 5 ms' : undefined, met: label === 'p99' ? value < 5 : undefined,
    });
  }
  // Not Math.max(...values): 130,000 arguments overflow the call stack.
  report.add({group: 'latency', name: 'produce max', result: fmtMs(quantile(values, 1)), limit: fmtMs(quantile(limitValues, 1))});
}
