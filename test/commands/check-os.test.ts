/**
 * `kstream check os` run through oclif as a child process (node bin/dev.js), against fake hosts
 * (hidden --root flag): table, JSON, YAML, --explain, --fix-script and the exit codes.
 */
import {execFile} from 'node:child_process';
import {promises as fs} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parse as parseYaml} from 'yaml';
import {makeDataDir, makeFakeHost, removeAll} from '../ops/os-check/fake-host.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function kstream(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, 'bin/dev.js'), ...args], {cwd: repo, env: {...process.env, NO_COLOR: '1'}}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0;
      resolve({code, stdout, stderr});
    });
  });
}

describe('kstream check os', () => {
  let good: string;
  let bad: string;
  let broken: string;
  let dataDir: string;
  let goodExit: number;

  beforeAll(async () => {
    good = await makeFakeHost();
    bad = await makeFakeHost({sysctl: {'vm.swappiness': '60', 'net.core.somaxconn': '128'}, thp: '[always] madvise never'});
    broken = await makeFakeHost({sysctl: {'vm.dirty_background_ratio': '0'}});
    dataDir = await makeDataDir(2, 2);
    // Free space is read from the real filesystem of the temp dir, so the all-good host's exit code follows it.
    const st = await fs.statfs(dataDir);
    const free = st.bavail * st.bsize;
    goodExit = free >= 10 * 1024 ** 3 ? 0 : free >= 1024 ** 3 ? 1 : 2;
  });
  afterAll(async () => removeAll(good, bad, broken, dataDir));

  it('prints the table, and exits 0 when every check passes', async () => {
    const r = await kstream(['check', 'os', '--root', good, '--data-dir', dataDir]);
    expect(r.code).toBe(goodExit);
    expect(r.stdout).toContain(`data dir: ${dataDir} (2 partitions, 4 segments)`);
    expect(r.stdout).toMatch(/^CHECK\s+CURRENT\s+REQUIRED\s+SEVERITY\s+PASSED$/m);
    expect(r.stdout).toMatch(/^vm\.swappiness\s+1\s+1\s+warning\s+yes$/m);
    expect(r.stdout).toMatch(/^block device scheduler\s+none \(sda, SSD\)/m);
  });

  it('-o json: the report, with the exit code 1 for failed warnings', async () => {
    const r = await kstream(['check', 'os', '--root', bad, '--data-dir', dataDir, '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({dataDir, dataDirExists: true, partitions: 2, segments: 4, segmentFiles: 12, connections: 1000});
    expect(report.checks).toHaveLength(22);
    expect(Object.keys(report.checks[0]).slice(0, 8)).toEqual(['check', 'current', 'required', 'severity', 'passed', 'reason', 'fix', 'source']);
    const failed = report.checks.filter((c: {passed: unknown}) => c.passed === false).map((c: {check: string}) => c.check);
    expect(failed).toEqual(expect.arrayContaining(['vm.swappiness', 'net.core.somaxconn', 'transparent huge pages']));
    expect(report.summary.exitCode).toBe(1);
  });

  it('-o yaml: the same data as JSON', async () => {
    const [y, j] = await Promise.all([
      kstream(['check', 'os', '--root', bad, '--data-dir', dataDir, '-o', 'yaml']),
      kstream(['check', 'os', '--root', bad, '--data-dir', dataDir, '-o', 'json']),
    ]);
    expect(y.code).toBe(1);
    const fromYaml = parseYaml(y.stdout);
    const fromJson = JSON.parse(j.stdout);
    // Free space may move between the two runs; everything else is identical.
    const strip = (rep: {checks: Array<{check: string}>}) => rep.checks.filter((c) => c.check !== 'data dir free space');
    expect(strip(fromYaml)).toEqual(strip(fromJson));
  });

  it('--explain adds why, fix and source; an error-level failure exits 2', async () => {
    const r = await kstream(['check', 'os', '--root', broken, '--data-dir', dataDir, '--explain']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^vm\.dirty_background_ratio\s+0\s+1-5 \(5 recommended\), never 0\s+error\s+no$/m);
    expect(r.stdout).toContain('vm.dirty_background_ratio: no (error)\n  current:  0\n  required: 1-5 (5 recommended), never 0\n  why:      0 makes the kernel flush dirty pages continually');
    expect(r.stdout).toContain('  fix:      sysctl -w vm.dirty_background_ratio=5\n  source:   Kafka: The Definitive Guide');
  });

  it('--fix-script prints a script instead of the table, with the same exit code', async () => {
    const r = await kstream(['check', 'os', '--root', bad, '--data-dir', dataDir, '--fix-script']);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('#!/bin/sh\n')).toBe(true);
    expect(r.stdout).not.toContain('CHECK');
    expect(r.stdout).toContain('sysctl -w vm.swappiness=1\nsysctl -w net.core.somaxconn=4096\n');
    expect(r.stdout).toContain("cat > /etc/sysctl.d/60-kstream.conf <<'EOF'\nvm.swappiness = 1\nnet.core.somaxconn = 4096\nEOF");
  });

  it('a data dir that does not exist is said so, and --fix-script -o json is a usage error', async () => {
    const absent = path.join(dataDir, 'absent');
    const r = await kstream(['check', 'os', '--root', good, '--data-dir', absent]);
    expect(r.stdout).toContain(`data dir: ${absent} (does not exist yet; filesystem checks looked at ${await fs.realpath(dataDir)})`);
    const u = await kstream(['check', 'os', '--root', good, '--fix-script', '-o', 'json']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('Error: --fix-script prints a shell script and cannot be combined with -o json|yaml');
    expect(u.stdout).toBe('');
  });

  it('--help carries worked examples', async () => {
    const r = await kstream(['check', 'os', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--fix-script');
    expect(r.stdout).toContain('check os --data-dir /var/lib/kafka/data --explain');
    expect(r.stdout).not.toContain('--root');
  });
});
