/**
 * Benchmark of `kstream dump-segment`: builds one segment of small records (DUMP_BENCH_BYTES,
 * default 1 GiB; DUMP_BENCH_CODEC none|gzip|snappy|lz4|zstd, default none), then dumps it in
 * shallow, deep and print-data-log modes to /dev/null and prints records/s and MB/s.
 * Run: npx tsx test/bench/dump-segment.bench.ts   (DUMP_BENCH_BYTES=200000000 for a quick run)
 */
import {createWriteStream} from 'node:fs';
import {mkdtemp, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {once} from 'node:events';
import {parseCompressionType} from '../../src/records/compression.js';
import {encodeBatch} from '../../src/records/batch.js';
import {setBaseOffset} from '../../src/records/batch-header.js';
import {dumpFiles, textSink, type DumpOptions} from '../../src/ops/dump/index.js';

const TARGET_BYTES = Number(process.env.DUMP_BENCH_BYTES ?? 1024 ** 3);
const CODEC = process.env.DUMP_BENCH_CODEC ?? 'none';
const RECORDS_PER_BATCH = 100;
const VALUE_BYTES = 100;

async function buildSegment(path: string): Promise<{records: number; bytes: number}> {
  const records = Array.from({length: RECORDS_PER_BATCH}, (_, i) => ({
    key: `key-${i}`,
    value: Buffer.alloc(VALUE_BYTES, 97 + (i % 26)),
    timestamp: 1700000000000 + i,
  }));
  const template = await encodeBatch({records, compression: parseCompressionType(CODEC)});
  const out = createWriteStream(path);
  let bytes = 0;
  let offset = 0n;
  while (bytes < TARGET_BYTES) {
    // Base offsets are outside the CRC, so one encoded batch can be stamped over and over.
    const batch = Buffer.from(template);
    setBaseOffset(batch, 0, offset);
    offset += BigInt(RECORDS_PER_BATCH);
    bytes += batch.length;
    if (!out.write(batch)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return {records: Number(offset), bytes};
}

async function run(file: string, options: DumpOptions): Promise<number> {
  const devNull = createWriteStream('/dev/null');
  const sink = textSink(devNull, devNull);
  const start = process.hrtime.bigint();
  await dumpFiles([file], options, sink);
  await sink.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  devNull.end();
  return seconds;
}

const dir = await mkdtemp(join(tmpdir(), 'kstream-dump-bench-'));
try {
  const file = join(dir, '00000000000000000000.log');
  const {records, bytes} = await buildSegment(file);
  const size = (await stat(file)).size;
  console.log(`segment: ${(size / 1024 ** 2).toFixed(0)} MiB, ${records} records of ${VALUE_BYTES} bytes, ${records / RECORDS_PER_BATCH} batches, codec ${CODEC}`);
  for (const [mode, options] of [['shallow', {}], ['deep', {deepIteration: true}], ['print-data-log', {printDataLog: true}]] as const) {
    const seconds = await run(file, options);
    const rss = process.memoryUsage().rss / 1024 ** 2;
    console.log(`${mode.padEnd(15)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(records / seconds).toLocaleString('en-US').padStart(12)} records/s  ${(bytes / 1024 ** 2 / seconds).toFixed(0).padStart(6)} MiB/s  rss ${rss.toFixed(0)} MiB`);
  }
} finally {
  await rm(dir, {recursive: true, force: true});
}
