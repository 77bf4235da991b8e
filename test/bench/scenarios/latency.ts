/**
 * Produce latency at half load: a small client over the project's codec sends single-batch Produce
 * requests (10 records x 100 B, acks=1, one partition). First a closed loop with 16 requests in
 * flight finds the maximum request rate; then an open loop sends at 50% of it on a 1 ms schedule
 * and timestamps every request from write to response.
 */
import {join} from 'node:path';
import {BrokerProcess} from '../lib/broker-process.js';
import {connect, createTopic} from '../lib/admin.js';
import {ApiKey} from '../../../src/protocol/api.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {fmtMs, fmtNumber, quantile} from '../lib/stats.js';
import type {BenchContext} from '../lib/context.js';
import type {ProtocolClient} from '../../../src/client/protocol-client.js';

const TOPIC = 'latency';
const IN_FLIGHT = 16;

async function produceOnce(client: ProtocolClient, records: Buffer): Promise<void> {
  const response = await client.request<any>(ApiKey.Produce, {
    transactionalId: null, acks: 1, timeoutMs: 30_000,
    topicData: [{name: TOPIC, partitionData: [{index: 0, records}]}],
  });
  const code = response.responses[0].partitionResponses[0].errorCode;
  if (code !== 0) throw new Error(`Produce failed with error ${code}`);
}

async function maxRate(client: ProtocolClient, records: Buffer, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({length: IN_FLIGHT}, async () => {
    while (performance.now() < deadline) {
      await produceOnce(client, records);
      done++;
    }
  }));
  return done / seconds;
}

async function openLoop(client: ProtocolClient, records: Buffer, ratePerSec: number, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      if (elapsed >= seconds * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      // Send every request that is due by now, so a late timer tick does not lower the rate.
      const due = Math.floor((elapsed / 1000) * ratePerSec);
      for (; sent < due; sent++) {
        const t0 = performance.now();
        pending.push(produceOnce(client, records).then(() => { latencies.push(performance.now() - t0); }));
      }
    }, 1);
  });
  await Promise.all(pending);
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
      await maxRate(client, records, 1); // warm-up: JIT, page cache, segment files
      const max = await maxRate(client, records, 3);
      const latencies = await openLoop(client, records, max / 2, settings.latencySeconds);
      const rate = `${fmtNumber(max / 2)} req/s (50% of max ${fmtNumber(max)} req/s, ${IN_FLIGHT} in flight)`;
      report.note(`Latency: ${latencies.length} Produce requests (1 batch of 10 x 100 B, acks=1) at ${rate} over ${settings.latencySeconds} s, measured by a Node client over the project's codec (client time included).`);
      for (const [q, label] of [[0.5, 'p50'], [0.99, 'p99'], [0.999, 'p999']] as const) {
        const value = quantile(latencies, q);
        report.add({
          group: 'latency', name: `produce ${label} at ${fmtNumber(max / 2)} req/s`, result: fmtMs(value),
          target: label === 'p99' ? '< 5 ms' : undefined, met: label === 'p99' ? value < 5 : undefined,
        });
      }
      report.add({group: 'latency', name: 'produce max', result: fmtMs(Math.max(...latencies))});
    } finally {
      client.close();
    }
  } finally {
    await broker.stop();
  }
}
