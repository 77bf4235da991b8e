/** Shared helpers of the dump-segment tests: temp dirs, segment files, a collecting dump run. */
import {crc32} from '@node-rs/crc32';
import {existsSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {dumpFiles, type DumpOptions} from '../../../src/ops/dump/index.js';
import {collectingSink} from '../../../src/ops/dump/sinks.js';

export const FIXTURES = '/work/shared/fixtures/kafka-logs';
export const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) console.warn(`skipping fixture tests: ${FIXTURES} is missing`);

export async function tempDir(): Promise<{dir: string; cleanup: () => Promise<void>}> {
  const dir = await mkdtemp(join(tmpdir(), 'kstream-dump-'));
  return {dir, cleanup: () => rm(dir, {recursive: true, force: true})};
}

export async function writeSegment(dir: string, name: string, parts: Buffer[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(parts));
  return path;
}

export async function dump(files: string[], options: DumpOptions = {}): Promise<{stdout: string[]; stderr: string[]; errors: number; events: ReturnType<typeof collectingSink>['events']}> {
  const sink = collectingSink(options.skipRecordMetadata);
  const result = await dumpFiles(files, options, sink);
  return {stdout: sink.stdout, stderr: sink.stderr, errors: result.errors, events: sink.events};
}

/** An offset index file: (relative offset, position) entries. */
export function offsetIndex(entries: [number, number][], padEntries = 0): Buffer {
  const buf = Buffer.alloc((entries.length + padEntries) * 8);
  entries.forEach(([rel, pos], i) => {
    buf.writeInt32BE(rel, i * 8);
    buf.writeInt32BE(pos, i * 8 + 4);
  });
  return buf;
}

/** A time index file: (timestamp, relative offset) entries. */
export function timeIndex(entries: [bigint, number][], padEntries = 0): Buffer {
  const buf = Buffer.alloc((entries.length + padEntries) * 12);
  entries.forEach(([ts, rel], i) => {
    buf.writeBigInt64BE(ts, i * 12);
    buf.writeInt32BE(rel, i * 12 + 8);
  });
  return buf;
}

/** A legacy magic 1 message (uncompressed), built by hand: offset, size, crc, magic, attributes, timestamp, key, value. */
export function legacyMessageV1(offset: bigint, timestamp: bigint, key: string | null, value: string | Buffer | null, attributes = 0): Buffer {
  const k = key === null ? null : Buffer.from(key);
  const v = value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value);
  const body = Buffer.alloc(1 + 1 + 8 + 4 + (k?.length ?? 0) + 4 + (v?.length ?? 0));
  let p = 0;
  body.writeInt8(1, p++);
  body.writeInt8(attributes, p++);
  body.writeBigInt64BE(timestamp, p); p += 8;
  body.writeInt32BE(k ? k.length : -1, p); p += 4;
  if (k) p += k.copy(body, p);
  body.writeInt32BE(v ? v.length : -1, p); p += 4;
  if (v) v.copy(body, p);
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(offset, 0);
  head.writeInt32BE(4 + body.length, 8);
  head.writeUInt32BE(crc32(body) >>> 0, 12);
  return Buffer.concat([head, body]);
}
