import {describe, expect, it} from 'vitest';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fmtMs, pctOf, quantile} from './lib/stats.js';
import {Report} from './lib/report.js';
import {summarizeProfiles} from './lib/cpu-profile.js';
import {writeRecordFile} from './lib/data.js';
import {nextOffset} from './lib/fetch-loop.js';
import {fileToSocketLimit, socketToFileLimit} from './lib/limits.js';
import {runWithCpu} from './lib/proc.js';
import {encodeBatch} from '../../src/records/batch.js';
import {setBaseOffset} from '../../src/records/batch-header.js';

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

describe('stats', () => {
  it('takes nearest-rank quantiles', () => {
    const values = Array.from({length: 1000}, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(500);
    expect(quantile(values, 0.99)).toBe(990);
    expect(quantile(values, 0.999)).toBe(999);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('formats percentages of a limit and times', () => {
    expect(pctOf(70, 100)).toBe('70%');
    expect(pctOf(1, 0)).toBe('-');
    expect(fmtMs(1.234)).toBe('1.23 ms');
    expect(fmtMs(1234)).toBe('1,234 ms');
  });
});

describe('report', () => {
  it('renders aligned text and escaped Markdown with the met column', () => {
    const report = new Report();
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      report.add({group: 'produce', name: 'a|b', result: '1 MB/s', limit: '2 MB/s', ofLimit: '50%', target: '>= 70%', met: false});
      report.add({group: 'cli', name: 'version', result: '100 ms', target: '< 300 ms', met: true});
    } finally {
      process.stderr.write = write;
    }
    const lines = report.text().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^produce\s+a\|b\s+1 MB\/s\s+2 MB\/s\s+50%\s+>= 70%\s+NO$/);
    expect(report.markdown()).toContain('| produce | a\\|b | 1 MB/s | 2 MB/s | 50% | >= 70% | NO |');
    expect(report.markdown()).toContain('| cli | version | 100 ms |  |  | < 300 ms | yes |');
  });
});

describe('record files', () => {
  it('writes the requested number of fixed-size lines', () => withDir(async (dir) => {
    const file = await writeRecordFile(join(dir, 'r.txt'), 100, 1e6);
    const lines = (await readFile(file.path, 'latin1')).split('\n');
    expect(file.records).toBe(10_000);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => l.length === 100)).toBe(true);
    expect(new Set(lines.slice(0, 100)).size).toBe(100);
  }));
});

describe('fetch loop', () => {
  it('finds the offset after the last complete batch and ignores a partial one', async () => {
    const batch = await encodeBatch({records: [{value: 'a'}, {value: 'b'}, {value: 'c'}]});
    const second = Buffer.from(batch);
    setBaseOffset(second, 0, 3n);
    const both = Buffer.concat([batch, second]);
    expect(nextOffset(both, 0n)).toBe(6n);
    expect(nextOffset(both.subarray(0, both.length - 5), 0n)).toBe(3n);
    expect(nextOffset(Buffer.alloc(0), 7n)).toBe(7n);
  });
});

describe('limits', () => {
  it('moves every byte of a file through the socket-to-file and file-to-socket programs', () => withDir(async (dir) => {
    const file = await writeRecordFile(join(dir, 'r.txt'), 1024, 2e6);
    const onDisk = (await readFile(file.path)).length;
    const sink = await socketToFileLimit(file.path, join(dir, 'sink.bin'));
    expect(sink.bytes).toBe(onDisk);
    expect(sink.ms).toBeGreaterThan(0);
    const source = await fileToSocketLimit([file.path, file.path], 3);
    expect(source.bytes).toBe(onDisk * 2 * 3);
  }));
});

describe('runWithCpu', () => {
  it('reports the command CPU time and its output', async () => {
    const r = await runWithCpu(process.execPath, ['-e', 'let x = 0; const end = Date.now() + 300; while (Date.now() < end) x++; console.log("done")']);
    expect(r.stdout.trim()).toBe('done');
    expect(r.cpuSeconds).toBeGreaterThan(0.1);
  });
  it('fails with the command stderr on a non-zero exit', async () => {
    await expect(runWithCpu(process.execPath, ['-e', 'console.error("boom"); process.exit(3)'])).rejects.toThrow(/exited with 3: boom/);
  });
});

describe('cpu profile summary', () => {
  it('attributes self and inclusive time per function, file and package', () => withDir(async (dir) => {
    const root = join(import.meta.dirname, '..', '..');
    const frame = (functionName: string, url: string) => ({functionName, url, lineNumber: 0});
    const profile = {
      nodes: [
        {id: 1, callFrame: frame('(root)', ''), children: [2]},
        {id: 2, callFrame: frame('handle', `file://${root}/dist/src/broker/dispatch.js`), children: [3]},
        {id: 3, callFrame: frame('append', `file://${root}/dist/src/storage/segment.js`), children: []},
      ],
      samples: [2, 3, 3, 3],
      timeDeltas: [1000, 1000, 1000, 1000],
    };
    await writeFile(join(dir, 'a.cpuprofile'), JSON.stringify(profile));
    const text = await summarizeProfiles(dir);
    expect(text).toContain('75.0%  dist/src/storage/segment.js:append:1');
    expect(text).toContain('25.0%  dist/src/broker/dispatch.js:handle:1');
    expect(text).toMatch(/Inclusive[^\n]*\n\s+100\.0%  dist\/src\/broker\/dispatch\.js:handle:1/);
    expect(text).toContain('75.0%  dist/src/storage');
  }));
});
