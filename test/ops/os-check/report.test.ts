/** Whole reports on fake hosts: exit codes, the views and the fix script. */
import {execFileSync} from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {buildFixScript, LIMITS_FILE, SYSCTL_FILE} from '../../../src/ops/os-check/fix-script.js';
import {exitCodeFor, runOsCheck} from '../../../src/ops/os-check/index.js';
import {osCheckExplain, osCheckTable} from '../../../src/ops/os-check/table.js';
import type {CheckResult} from '../../../src/ops/os-check/types.js';
import {makeDataDir, makeFakeHost, mountinfoText, removeAll} from './fake-host.js';

const statfs = async () => ({availableBytes: 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3});
const cleanup: string[] = [];
afterEach(async () => removeAll(...cleanup.splice(0)));

async function report(spec: Parameters<typeof makeFakeHost>[0] = {}) {
  const root = await makeFakeHost(spec);
  const dataDir = await makeDataDir(2, 2);
  cleanup.push(root, dataDir);
  return runOsCheck({root, dataDir, statfs});
}

const result = (passed: CheckResult['passed'], severity: CheckResult['severity']): CheckResult =>
  ({check: 'x', current: '', required: '', severity, passed, reason: '', fix: '', source: ''});

describe('exitCodeFor', () => {
  it('0 when everything passes, unknown or failed info does not count', () => {
    expect(exitCodeFor([result(true, 'error'), result('unknown', 'error'), result(false, 'info')])).toBe(0);
  });
  it('1 for a failed warning, 2 for a failed error', () => {
    expect(exitCodeFor([result(true, 'error'), result(false, 'warning')])).toBe(1);
    expect(exitCodeFor([result(false, 'warning'), result(false, 'error')])).toBe(2);
  });
});

describe('runOsCheck on fake hosts', () => {
  it('a well-tuned host passes every check: exit code 0, nothing to fix', async () => {
    const r = await report();
    expect(r.checks.filter((c) => c.passed !== true).map((c) => c.check)).toEqual([]);
    expect(r.checks).toHaveLength(22);
    expect(r.summary).toEqual({passed: 22, failed: 0, unknown: 0, exitCode: 0});
    expect(buildFixScript(r)).toContain('# Nothing to fix');
  });

  it('a default distro host fails warnings: exit code 1, and the fix script covers each', async () => {
    const r = await report({
      sysctl: {'vm.swappiness': '60', 'vm.dirty_ratio': '20', 'net.core.wmem_max': '212992', 'net.core.somaxconn': '128'},
      limits: {soft: '1024', hard: '524288'}, thp: '[always] madvise never',
      mountinfo: mountinfoText('xfs', 'rw', 'rw,attr2'),
    });
    const failed = r.checks.filter((c) => c.passed === false).map((c) => `${c.check}:${c.severity}`);
    expect(failed).toEqual([
      'vm.swappiness:warning', 'vm.dirty_ratio:warning', 'open files (soft):warning', 'data dir mount atime:warning',
      'data dir mount largeio:info', 'transparent huge pages:info', 'net.core.wmem_max:warning', 'net.core.somaxconn:warning',
    ]);
    expect(r.summary.exitCode).toBe(1);
    const script = buildFixScript(r, {user: 'kafka'});
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('sysctl -w vm.swappiness=1\nsysctl -w vm.dirty_ratio=60\nsysctl -w net.core.wmem_max=2097152\nsysctl -w net.core.somaxconn=4096');
    expect(script).toContain(`cat > ${SYSCTL_FILE} <<'EOF'\nvm.swappiness = 1\nvm.dirty_ratio = 60\nnet.core.wmem_max = 2097152\nnet.core.somaxconn = 4096\nEOF`);
    expect(script).toContain(`cat > ${LIMITS_FILE} <<'EOF'\nkafka soft nofile 100000\nEOF`);
    expect(script).toContain('echo madvise > /sys/kernel/mm/transparent_hugepage/enabled');
    expect(script).toContain('# mount -o remount,noatime /');
    expect(script).toMatch(/# data dir mount largeio: add largeio/);
    expect(script).not.toMatch(/^mount /m);
    // The script parses as shell (sh -n reads it without running anything).
    expect(() => execFileSync('sh', ['-n'], {input: script})).not.toThrow();
  });

  it('an error-level failure gives exit code 2', async () => {
    const r = await report({sysctl: {'vm.dirty_background_ratio': '0'}});
    expect(r.checks.find((c) => c.check === 'vm.dirty_background_ratio')).toMatchObject({passed: false, severity: 'error'});
    expect(r.summary.exitCode).toBe(2);
  });

  it('a container without /sys and limits: unknown rows, never a pass or fail, exit code 0', async () => {
    const r = await report({limits: null, thp: null, clock: null, disk: null, mountinfo: mountinfoText('overlay', 'rw,relatime', 'rw', '0:55', 'overlay')});
    const unknown = r.checks.filter((c) => c.passed === 'unknown').map((c) => c.check);
    expect(unknown).toEqual(['open files (soft)', 'open files (hard)', 'block device scheduler', 'transparent huge pages', 'clock source']);
    expect(r.checks.find((c) => c.check === 'data dir filesystem')?.passed).toBe(false);
    expect(buildFixScript(r)).toContain('# Not covered (could not be read here): open files (soft), open files (hard), block device scheduler, transparent huge pages, clock source.');
  });
});

describe('views', () => {
  it('the table has the five columns and one row per check; explain adds why, fix and source', async () => {
    process.env.NO_COLOR = '1';
    const r = await report({sysctl: {'vm.swappiness': '60'}});
    const table = osCheckTable(r);
    expect(table).toMatch(/^CHECK\s+CURRENT\s+REQUIRED\s+SEVERITY\s+PASSED$/m);
    expect(table).toMatch(/^vm\.swappiness\s+60\s+1\s+warning\s+no$/m);
    expect(table).toContain('22 checks: 21 passed, 1 failed (0 error, 1 warning, 0 info), 0 unknown; exit code 1');
    const explain = osCheckExplain(r);
    expect(explain).toContain('vm.swappiness: no (warning)\n  current:  60\n  required: 1\n  why:      ');
    expect(explain).toContain('  fix:      sysctl -w vm.swappiness=1\n  source:   Kafka: The Definitive Guide');
  });
});
