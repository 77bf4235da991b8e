/**
 * Decode the log segments real Kafka brokers wrote (/work/shared/fixtures) and compare with the
 * facts recorded beside them. Skips when the shared folder is absent (a plain clone).
 */
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ATTR_TIMESTAMP_TYPE, compressionOf, isBatchCrcValid, isControl, isTransactional} from '../../src/records/batch-header.js';
import {decodeBatch, iterateBatches} from '../../src/records/batch.js';
import {compressionName} from '../../src/records/compression.js';

const ROOT = join(import.meta.dirname, '../../../shared/fixtures/kafka-logs');
const present = existsSync(join(ROOT, 'segment-facts.json'));
if (!present) console.warn(`skipping Kafka fixture tests: ${ROOT} is missing`);

interface Facts {
  batches: number; records: number; size: number; firstOffset: number; lastOffset: number; allCrcValid: boolean;
  codecs: string[]; controlBatches: number; transactionalBatches: number; partitionLeaderEpochs: number[];
  producerIds: number[]; timestampTypes: string[];
}

const facts: Record<string, Facts> = present ? JSON.parse(readFileSync(join(ROOT, 'segment-facts.json'), 'utf8')) : {};

describe.skipIf(!present)('segments written by Apache Kafka', () => {
  for (const [path, expected] of Object.entries(facts)) {
    it(`decodes ${path}`, async () => {
      const buf = readFileSync(join(ROOT, path));
      const entries = [...iterateBatches(buf)];
      let records = 0;
      const offsets: bigint[] = [];
      for (const e of entries) {
        const {records: recs} = await decodeBatch(buf, e.position);
        expect(recs).toHaveLength(e.header.recordCount);
        records += recs.length;
        offsets.push(...recs.map((r) => r.offset));
      }
      const uniq = <T>(xs: T[]): T[] => [...new Set(xs)].sort();
      expect({
        batches: entries.length,
        records,
        size: buf.length,
        firstOffset: Number(offsets[0]),
        lastOffset: Number(offsets[offsets.length - 1]),
        allCrcValid: entries.every((e) => isBatchCrcValid(buf, e.position)),
        codecs: uniq(entries.map((e) => compressionName(compressionOf(e.header.attributes)))),
        controlBatches: entries.filter((e) => isControl(e.header.attributes)).length,
        transactionalBatches: entries.filter((e) => isTransactional(e.header.attributes)).length,
        partitionLeaderEpochs: uniq(entries.map((e) => e.header.partitionLeaderEpoch)),
        producerIds: uniq(entries.map((e) => Number(e.header.producerId))),
        timestampTypes: uniq(entries.map((e) => (e.header.attributes & ATTR_TIMESTAMP_TYPE ? 'LogAppendTime' : 'CreateTime'))),
      }).toEqual({...expected, codecs: uniq(expected.codecs), partitionLeaderEpochs: uniq(expected.partitionLeaderEpochs),
        producerIds: uniq(expected.producerIds), timestampTypes: uniq(expected.timestampTypes)});
      expect(entries.reduce((sum, e) => sum + e.size, 0)).toBe(buf.length);
    });

    const dumpPath = join(ROOT, `${path}.expected-shallow-dump.txt`);
    if (existsSync(dumpPath)) {
      it(`matches the positions, sizes and CRCs of kafka-dump-log for ${path}`, () => {
        const lines = readFileSync(dumpPath, 'utf8').split('\n').filter((l) => l.startsWith('baseOffset:'));
        const field = (line: string, name: string): string => new RegExp(`\\b${name}: (\\S+)`).exec(line)![1]!;
        const entries = [...iterateBatches(readFileSync(join(ROOT, path)))];
        expect(entries.map((e) => [e.position, e.size, e.header.crc, e.header.baseOffset, e.header.recordCount]))
          .toEqual(lines.map((l) => [Number(field(l, 'position')), Number(field(l, 'size')), Number(field(l, 'crc')),
            BigInt(field(l, 'baseOffset')), Number(field(l, 'count'))]));
      });
    }
  }

  it('reads the snappy (xerial-framed) records of some-topic-0 written by the Java client', async () => {
    const buf = readFileSync(join(ROOT, 'kafka-2.8.0-zk/some-topic-0/00000000000000000000.log'));
    const values: string[] = [];
    const keys: string[] = [];
    const headerKeys: string[] = [];
    for (const e of iterateBatches(buf)) {
      const {header, records} = await decodeBatch(buf, e.position);
      expect(compressionName(compressionOf(header.attributes))).toBe('snappy');
      expect(buf.subarray(e.position + 61, e.position + 69).toString('latin1')).toBe('\x82SNAPPY\0');
      for (const r of records) {
        expect(r.timestamp).toBe(header.baseTimestamp);
        values.push(r.value!.toString());
        keys.push(r.key!.toString());
        headerKeys.push(...r.headers.map((h) => h.key));
      }
    }
    expect(values).toHaveLength(9);
    expect(JSON.parse(keys[0]!)).toEqual({customerId: '12334568', transactionDate: 1641710432019});
    expect(JSON.parse(values[0]!)).toEqual({item: 'book', price: '23.9'});
    expect(headerKeys[0]).toBe('__Key_TypeId__');
  });
});
