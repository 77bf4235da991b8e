/**
 * Start-up with many partitions: BENCH_STARTUP_PARTITIONS partitions holding BENCH_STARTUP_MB of
 * 1 KiB records (written by kcat, keyless, spread over the partitions). Measured: clean stop
 * (SIGTERM), start after the clean stop, then more writes, kill -9, and start after the crash;
 * each start is the time from spawning the broker process until it prints "listening on". The
 * records acknowledged before kill -9 must all be there afterwards.
 */
import {join} from 'node:path';
import {BrokerProcess} from '../lib/broker-process.js';
import {connect, createTopic, endOffsetSum} from '../lib/admin.js';
import {writeRecordFile} from '../lib/data.js';
import {run, runOk} from '../lib/proc.js';
import {fmtMs, fmtNumber, median} from '../lib/stats.js';
import type {BenchContext} from '../lib/context.js';

const TOPIC = 'startup';
const KCAT = process.env.BENCH_KCAT ?? 'kcat';

async function produce(address: string, file: string): Promise<void> {
  await runOk(KCAT, ['-P', '-b', address, '-t', TOPIC, '-l', file, '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000',
    '-X', 'queue.buffering.max.messages=2000000', '-X', 'queue.buffering.max.kbytes=2097151']);
}

export async function startup(ctx: BenchContext): Promise<void> {
  const {report, settings, workDir} = ctx;
  const dataDir = join(workDir, 'startup-data');
  const partitions = settings.startupPartitions;
  const topics = [{name: TOPIC, partitions}];
  const file = await writeRecordFile(join(workDir, 'startup-records.txt'), 1024, settings.startupMB * 1e6);
  const tail = await writeRecordFile(join(workDir, 'startup-tail.txt'), 1024, Math.min(settings.startupMB, 5) * 1e6);
  // The time the compiled CLI needs before the broker code runs at all, to read the figures against.
  const bare = [];
  for (let i = 0; i < 3; i++) bare.push((await run(process.execPath, [join(import.meta.dirname, '..', '..', '..', 'bin', 'run.js'), '--version'])).ms);

  let broker = await BrokerProcess.start({dataDir, cpuProfDir: settings.profileDir});
  let expected: bigint;
  let stopMs: number;
  try {
    const admin = await connect(broker.address);
    await createTopic(admin, TOPIC, partitions);
    await produce(broker.address, file.path);
    expected = await endOffsetSum(admin, topics);
    admin.close();
  } finally {
    stopMs = await broker.stop();
  }
  if (expected !== BigInt(file.records)) throw new Error(`start-up data: ${expected} records stored, ${file.records} produced`);
  report.note(`Start-up: ${fmtNumber(partitions)} partitions, ${fmtNumber(file.bytes / 1e6)} MB in ${fmtNumber(file.records)} records of 1 KiB; time from spawn to "listening on", which includes ${fmtMs(median(bare))} of CLI start (node bin/run.js --version). Each broker is started as every broker of the bench is, waiting for its path warm-up to end (2-3 s) before the scenario goes on, so the kill -9 comes a few seconds after the start (a broker killed later takes longer to start again).`);
  report.add({group: 'startup', name: `clean stop (SIGTERM), ${fmtNumber(partitions)} partitions`, result: fmtMs(stopMs)});

  broker = await BrokerProcess.start({dataDir, cpuProfDir: settings.profileDir});
  report.add({group: 'startup', name: `start after clean stop, ${fmtNumber(partitions)} partitions`, result: fmtMs(broker.startMs), limit: `CLI start ${fmtMs(median(bare))}`});
  try {
    await produce(broker.address, tail.path);
    const admin = await connect(broker.address);
    expected = await endOffsetSum(admin, topics);
    admin.close();
  } finally {
    await broker.kill9();
  }

  broker = await BrokerProcess.start({dataDir, cpuProfDir: settings.profileDir});
  try {
    report.add({group: 'startup', name: `start after kill -9, ${fmtNumber(partitions)} partitions`, result: fmtMs(broker.startMs),
      limit: `CLI start ${fmtMs(median(bare))}`, target: '< 5 s', met: broker.startMs < 5000});
    const admin = await connect(broker.address);
    const after = await endOffsetSum(admin, topics);
    admin.close();
    if (after !== expected) throw new Error(`after kill -9: ${after} records, ${expected} were acknowledged before`);
  } finally {
    await broker.stop();
  }
}
