/**
 * The broker under a low open-file limit (`ulimit -n`): creating and producing to more partitions
 * than three descriptors each would allow must succeed, because an idle partition holds one
 * descriptor (its active log) and everything else goes through bounded pools.
 */
import {execFile} from 'node:child_process';
import * as path from 'node:path';
import {describe, expect, it} from 'vitest';

const PARTITIONS = 1500;
// 1,500 active logs + the 256-descriptor handle pool + 64 transient file operations + Node's own;
// 3 descriptors per partition would need 4,500.
const FD_LIMIT = 2200;

function runUnderLimit(): Promise<{stdout: string; stderr: string; code: number}> {
  const child = path.join(__dirname, 'fd-limit-child.ts');
  return new Promise((resolve) => {
    execFile('bash', ['-c', `ulimit -n ${FD_LIMIT} && exec "${process.execPath}" --import tsx "${child}"`], {
      env: {...process.env, PARTITIONS: String(PARTITIONS)}, timeout: 170_000, maxBuffer: 1 << 20,
    }, (err, stdout, stderr) => resolve({stdout, stderr, code: err ? 1 : 0}));
  });
}

describe('open-file limit', () => {
  it(`creates ${PARTITIONS} partitions and produces to all of them in one request under ulimit -n ${FD_LIMIT}`, async () => {
    const {stdout, stderr, code} = await runUnderLimit();
    expect(stderr.split('\n').filter((l) => /EMFILE|Error/.test(l))).toEqual([]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {createError: number; codes: Record<string, number>; produced: number; fds: number};
    expect(result.createError).toBe(0);
    expect(result.codes).toEqual({0: 2 * PARTITIONS});
    expect(result.produced).toBe(2 * PARTITIONS);
    expect(result.fds).toBeLessThan(FD_LIMIT);
  }, 180_000);
});
