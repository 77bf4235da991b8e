/**
 * Produce latency at half load: a small client (lib/produce-pipe.ts) sends single-batch Produce
 * requests (10 records x 100 B, acks=1, one partition). First a closed loop with 16 requests in
 * flight finds the maximum request rate; then an open loop sends at 50% of it on a 1 ms schedule
 * and timestamps every request from write to response. The same open loop at the same rate against
 * limit/kafka-sink.mjs in sync mode, before and after it, gives the machine's limit.
 */
import {join} from 'node:path';
import {rm, writeFile} from 'node:fs/promises';
import {BrokerProcess} from '../lib/broker-process.js';
import {connect, createTopic, endOffsetSum} from '../lib/admin.js';
import {ProducePipe} from '../lib/produce-pipe.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {fmtMs, fmtNumber, quantile} from '../lib/stats.js';
import {startProgram, stopProgram} from '../lib/limits.js';
import type {BenchContext} from '../lib/context.js';

const TOPIC = 'latency';
const IN_FLIGHT = 16;

async function maxRate(pipe: ProducePipe, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({length: IN_FLIGHT}, async () => {
    while (performance.now() < deadline) {
      await pipe.produce();
      done++;
    }
  }));
  return done / seconds;
}

/**
 * Send at `ratePerSec` for `seconds` on a 1 ms schedule; resolves with every request's latency
 * once all are answered. Latencies go into a preallocated array, so the client makes no garbage
 * per request beyond the request itself.
 */
async function openLoop(pipe: ProducePipe, ratePerSec: number, seconds: number): Promise<Float64Array> {
  const total = Math.floor(ratePerSec * seconds);
  const latencies = new Float64Array(total);
  let answered = 0;
  let allAnswered!: () => void;
  const done = new Promise<void>((resolve) => (allAnswered = resolve));
  pipe.onTimedAnswer = (ms) => {
    latencies[answered++] = ms;
    if (answered === total) allAnswered();
  };
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // Send every request that is due by now, so a late timer tick does not lower the rate.
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * ratePerSec));
      for (; sent < due; sent++) pipe.sendTimed();
      if (sent === total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await done;
  pipe.onTimedAnswer = undefined;
  return latencies;
}

/**
 * The same open loop at the same rate against limit/kafka-sink.mjs in sync mode (a Node program
 * that appends each chunk it reads with writeSync and answers every Produce it completes, nothing
 * decoded): the latencies the machine itself gives this client at this rate.
 */
async function limitLatencies(workDir: string, records: Buffer, ratePerSec: number, seconds: number): Promise<{latencies: Float64Array; max: number}> {
  // No recorded answers: the sink answers Produce only, all this client sends.
  const canned = join(workDir, 'latency-no-answers');
  await writeFile(`${canned}.json`, '[]');
  await writeFile(`${canned}.bin`, '');
  const scratch = join(workDir, 'latency-limit.bin');
  const sink = await startProgram('kafka-sink.mjs', [scratch, canned, 'sync']);
  try {
    const pipe = await ProducePipe.open(`127.0.0.1:${sink.port}`, TOPIC, records);
    let result: {latencies: Float64Array; max: number};
    try {
      await maxRate(pipe, 1); // warm-up, as for the broker
      const max = await maxRate(pipe, 3);
      result = {latencies: await openLoop(pipe, ratePerSec, seconds), max};
    } finally {
      pipe.close();
    }
    const m = await stopProgram(sink, /records (\d+)/);
    if (Number(m[1]) !== pipe.sent * 10) throw new Error(`latency limit: ${pipe.sent} Produce requests sent, the sink acknowledged ${m[1]} records, not ${pipe.sent * 10}`);
    return result;
  } finally {
    sink.child.kill('SIGKILL');
    await rm(scratch, {force: true});
  }
}

export async function latency(ctx: BenchContext): Promise<void> {
  const {report, settings, workDir} = ctx;
  const records = await encodeBatch({records: Array.from({length: 10}, (_, i) => ({key: null, value: Buffer.alloc(100, 97 + i)}))});
  const broker = await BrokerProcess.start({dataDir: join(workDir, 'latency-data'), cpuProfDir: settings.profileDir});
  let latencies: Float64Array;
  let max: number;
  const limitRuns: Array<{latencies: Float64Array; max: number}> = [];
  try {
    const client = await connect(broker.address);
    try {
      await createTopic(client, TOPIC, 1);
      const pipe = await ProducePipe.open(broker.address, TOPIC, records);
      try {
        await maxRate(pipe, 1); // warm-up: JIT, page cache, segment files
        max = await maxRate(pipe, 3);
        // The limit runs before and after the broker's, at its rate (the broker idle meanwhile); the
        // lower p99 counts, as the throughput rows take the higher limit: writeback of the data of
        // earlier scenarios, or other load, slows one run of the three more than the others.
        limitRuns.push(await limitLatencies(workDir, records, max / 2, settings.latencySeconds));
        latencies = await openLoop(pipe, max / 2, settings.latencySeconds);
        limitRuns.push(await limitLatencies(workDir, records, max / 2, settings.latencySeconds));
      } finally {
        pipe.close();
      }
      // Every request appended its 10 records, or the figures would time failures.
      const end = await endOffsetSum(client, [{name: TOPIC, partitions: 1}]);
      if (end !== BigInt(pipe.sent * 10)) throw new Error(`latency: ${pipe.sent} Produce requests sent, but the log holds ${end} records, not ${pipe.sent * 10}`);
    } finally {
      client.close();
    }
  } finally {
    await broker.stop();
  }
  const p99 = (l: Float64Array) => quantile(Array.from(l), 0.99);
  const limit = limitRuns.reduce((a, b) => (p99(b.latencies) < p99(a.latencies) ? b : a));
  const values = Array.from(latencies);
  const limitValues = Array.from(limit.latencies);
  const rate = `${fmtNumber(max / 2)} req/s (50% of max ${fmtNumber(max)} req/s, ${IN_FLIGHT} in flight)`;
  report.note(`Latency: ${latencies.length} Produce requests (1 batch of 10 x 100 B, acks=1) at ${rate} over ${settings.latencySeconds} s, from a Node client that encodes the request once, matches answers by correlation id without decoding them and keeps send times and latencies in preallocated arrays (so on 2 cores its own CPU time and garbage-collection pauses stay small: with a promise kept per request its own scavenges took 3-12 ms); time from write to answer; the partition's end offset is checked afterwards. Machine limit: the same client, the same requests at the same rate, against limit/kafka-sink.mjs in sync mode (a Node program that appends every chunk it reads with writeSync and then answers the Produce requests it completed, nothing decoded; ${fmtNumber(limit.max)} req/s at most with ${IN_FLIGHT} in flight), run before and after the broker's open loop with the broker idle, the run with the lower p99 counting (p99 ${limitRuns.map((r) => fmtMs(p99(r.latencies))).join(' and ')}); for latency, % of limit is the limit's latency over the broker's (100% = as low as the limit).`);
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
