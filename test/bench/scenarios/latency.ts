/**
 * Produce latency at half load: a small client (lib/produce-pipe.ts) sends single-batch Produce
 * requests (10 records x 100 B, acks=1, one partition). First a closed loop with 16 requests in
 * flight finds the maximum request rate; then an open loop sends at 50% of it on a 1 ms schedule
 * and timestamps every request from write to response.
 */
import {join} from 'node:path';
import {BrokerProcess} from '../lib/broker-process.js';
import {connect, createTopic, endOffsetSum} from '../lib/admin.js';
import {ProducePipe} from '../lib/produce-pipe.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {fmtMs, fmtNumber, quantile} from '../lib/stats.js';
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

export async function latency(ctx: BenchContext): Promise<void> {
  const {report, settings, workDir} = ctx;
  const broker = await BrokerProcess.start({dataDir: join(workDir, 'latency-data'), cpuProfDir: settings.profileDir});
  try {
    const client = await connect(broker.address);
    try {
      await createTopic(client, TOPIC, 1);
      const records = await encodeBatch({records: Array.from({length: 10}, (_, i) => ({key: null, value: Buffer.alloc(100, 97 + i)}))});
      const pipe = await ProducePipe.open(broker.address, TOPIC, records);
      let latencies: Float64Array;
      let max: number;
      try {
        await maxRate(pipe, 1); // warm-up: JIT, page cache, segment files
        max = await maxRate(pipe, 3);
        latencies = await openLoop(pipe, max / 2, settings.latencySeconds);
      } finally {
        pipe.close();
      }
      // Every request appended its 10 records, or the figures would time failures.
      const end = await endOffsetSum(client, [{name: TOPIC, partitions: 1}]);
      if (end !== BigInt(pipe.sent * 10)) throw new Error(`latency: ${pipe.sent} Produce requests sent, but the log holds ${end} records, not ${pipe.sent * 10}`);
      const values = Array.from(latencies);
      const rate = `${fmtNumber(max / 2)} req/s (50% of max ${fmtNumber(max)} req/s, ${IN_FLIGHT} in flight)`;
      report.note(`Latency: ${latencies.length} Produce requests (1 batch of 10 x 100 B, acks=1) at ${rate} over ${settings.latencySeconds} s, from a Node client that encodes the request once, matches answers by correlation id without decoding them and keeps send times and latencies in preallocated arrays (so on 2 cores its own CPU time and garbage-collection pauses stay small: with a promise kept per request its own scavenges took 3-12 ms); time from write to answer; the partition's end offset is checked afterwards.`);
      for (const [q, label] of [[0.5, 'p50'], [0.99, 'p99'], [0.999, 'p999']] as const) {
        const value = quantile(values, q);
        report.add({
          group: 'latency', name: `produce ${label} at ${fmtNumber(max / 2)} req/s`, result: fmtMs(value),
          target: label === 'p99' ? '< 5 ms' : undefined, met: label === 'p99' ? value < 5 : undefined,
        });
      }
      // Not Math.max(...values): 130,000 arguments overflow the call stack.
      report.add({group: 'latency', name: 'produce max', result: fmtMs(quantile(values, 1))});
    } finally {
      client.close();
    }
  } finally {
    await broker.stop();
  }
}
