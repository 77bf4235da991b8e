/**
 * Reads log directories written by real Kafka brokers (2.8.0 and 3.1.0, ZooKeeper mode) from
 * /work/shared/fixtures, with the 10 MiB zero-filled preallocated indexes recreated as the
 * fixtures' README says, and checks every batch against segment-facts.json.
 */
import {chmod, cp, readFile, readdir, truncate, writeFile} from 'node:fs/promises';
import {existsSync} from 'node:fs';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {iterateBatches} from '../../src/records/batch.js';
import {isBatchCrcValid} from '../../src/records/batch-header.js';
import {LogManager} from '../../src/storage/log-manager.js';
import {tempDir} from './helpers.js';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/kafka-logs');
const available = existsSync(path.join(FIXTURES, 'segment-facts.json'));
if (!available) console.warn(`skipping Kafka fixture tests: ${FIXTURES} is missing`);

interface SegmentFacts {
  batches: number;
  records: number;
  firstOffset: number;
  lastOffset: number;
  size: number;
  partitionLeaderEpochs: number[];
}

async function prepare(version: string, target: string): Promise<void> {
  await cp(path.join(FIXTURES, version), target, {recursive: true});
  for (const entry of await readdir(target, {withFileTypes: true})) {
    const p = path.join(target, entry.name);
    await chmod(p, entry.isDirectory() ? 0o755 : 0o644);
    if (!entry.isDirectory()) continue;
    for (const f of await readdir(p)) {
      await chmod(path.join(p, f), 0o644);
      if (!f.endsWith('.log')) continue;
      const base = path.join(p, f.slice(0, -'.log'.length));
      await writeFile(`${base}.index`, '');
      await truncate(`${base}.index`, 10485760);
      await writeFile(`${base}.timeindex`, '');
      await truncate(`${base}.timeindex`, 10485756);
    }
  }
}

describe.skipIf(!available)('reading Kafka-written log directories', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  for (const version of ['kafka-3.1.0-zk', 'kafka-2.8.0-zk']) {
    it(`reads every batch of ${version} with the expected offsets`, async () => {
      const facts = JSON.parse(await readFile(path.join(FIXTURES, 'segment-facts.json'), 'utf8')) as Record<string, SegmentFacts>;
      const dataDir = path.join(dir, version);
      await prepare(version, dataDir);
      const manager = await LogManager.open({dataDir});
      const dirs = (await readdir(path.join(FIXTURES, version), {withFileTypes: true})).filter((d) => d.isDirectory());
      expect(manager.logs().length).toBe(dirs.length);

      let checked = 0;
      for (const [file, fact] of Object.entries(facts)) {
        if (!file.startsWith(`${version}/`)) continue;
        const dirName = file.split('/')[1];
        const dash = dirName.lastIndexOf('-');
        const log = manager.getLog(dirName.slice(0, dash), Number(dirName.slice(dash + 1)))!;
        expect(log, dirName).toBeDefined();
        expect(log.logStartOffset).toBe(0n);
        expect(log.logEndOffset).toBe(BigInt(fact.lastOffset + 1));
        expect(log.sizeInBytes).toBe(fact.size);
        // Read batch by batch from every offset: each read must start at the batch holding it.
        const seen: bigint[] = [];
        let records = 0;
        for (let offset = 0n; offset < log.logEndOffset; offset++) {
          const data = await log.read(offset, 1, {minOneBatch: true});
          const [entry] = [...iterateBatches(data)];
          expect(entry.header.baseOffset).toBeLessThanOrEqual(offset);
          expect(entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta)).toBeGreaterThanOrEqual(offset);
          expect(isBatchCrcValid(data, 0)).toBe(true);
          if (seen.at(-1) !== entry.header.baseOffset) {
            seen.push(entry.header.baseOffset);
            records += entry.header.recordCount;
            expect(fact.partitionLeaderEpochs).toContain(entry.header.partitionLeaderEpoch);
          }
        }
        expect(seen.length).toBe(fact.batches);
        expect(records).toBe(fact.records);
        expect(seen[0]).toBe(BigInt(fact.firstOffset));
        // The whole log in one read equals the segment file byte for byte.
        const whole = await log.read(0n, 1 << 20);
        expect(whole.equals(await readFile(path.join(FIXTURES, file)))).toBe(true);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
      const cities = manager.getLog('cities', 0);
      if (cities) {
        expect(cities.topicId).toBe('Yjwa-XTYSF28JSz9pdcuyw');
        const first = await cities.offsetForTimestamp(0n);
        expect(first?.offset).toBe(0n);
      }
      await manager.close();
      // Reopening after a clean close scans nothing and sees the same logs.
      const again = await LogManager.open({dataDir});
      expect(again.logs().every((l) => l.recoveredSegments === 0)).toBe(true);
      expect(again.logs().length).toBe(dirs.length);
      await again.close();
    });
  }
});
