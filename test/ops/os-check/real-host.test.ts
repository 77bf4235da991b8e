/**
 * On this machine: the figures kstream reports must match /proc, /sys, `ulimit`, `findmnt`, `df`
 * and `uname` read independently here. Skipped where there is no Linux /proc.
 */
import {execFile} from 'node:child_process';
import {existsSync, promises as fs, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readHostFacts, SYSCTL_KEYS} from '../../../src/ops/os-check/host.js';
import {buildReport} from '../../../src/ops/os-check/index.js';
import type {HostFacts} from '../../../src/ops/os-check/types.js';

const run = promisify(execFile);
const linux = process.platform === 'linux' && existsSync('/proc/sys/vm/swappiness');
if (!linux) console.warn('skipping real-host os-check tests: no Linux /proc here');

async function sh(script: string): Promise<string> {
  return (await run('sh', ['-c', script])).stdout.trim();
}

async function has(command: string): Promise<boolean> {
  return sh(`command -v ${command} >/dev/null && echo yes || echo no`).then((o) => o === 'yes');
}

describe.skipIf(!linux)('check os on this machine', () => {
  let dataDir: string;
  let facts: HostFacts;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'kstream-realhost-'));
    facts = await readHostFacts({dataDir});
  });
  afterAll(async () => fs.rm(dataDir, {recursive: true, force: true}));

  it('every sysctl equals /proc/sys read here', () => {
    for (const key of SYSCTL_KEYS) {
      const file = `/proc/sys/${key.replaceAll('.', '/')}`;
      const reading = facts.sysctl[key];
      if (!existsSync(file)) {
        expect(reading.ok, key).toBe(false);
        continue;
      }
      expect(reading.ok && reading.value, key).toBe(readFileSync(file, 'utf8').trim());
    }
    const report = buildReport(facts);
    expect(report.checks.find((c) => c.check === 'vm.swappiness')?.current).toBe(readFileSync('/proc/sys/vm/swappiness', 'utf8').trim());
    expect(report.checks.find((c) => c.check === 'vm.max_map_count')?.current).toBe(readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim());
  });

  it('sysctls equal `sysctl -n` where procps is installed', async (ctx) => {
    if (!(await has('sysctl'))) ctx.skip();
    for (const key of ['vm.swappiness', 'vm.dirty_ratio', 'vm.max_map_count', 'net.core.somaxconn']) {
      const reading = facts.sysctl[key];
      expect(reading.ok && reading.value, key).toBe((await sh(`sysctl -n ${key}`)).replace(/\s+/g, ' '));
    }
  });

  it('open-file limits equal `ulimit -Sn` and `ulimit -Hn`', async () => {
    const [soft, hard] = (await sh('ulimit -Sn; ulimit -Hn')).split('\n');
    const report = buildReport(facts);
    expect(report.checks.find((c) => c.check === 'open files (soft)')?.current).toBe(soft);
    expect(report.checks.find((c) => c.check === 'open files (hard)')?.current).toBe(hard);
  });

  it('the data dir\'s mount equals findmnt: filesystem type, mount point, atime option', async (ctx) => {
    if (!(await has('findmnt'))) ctx.skip();
    const [fsType, target, options] = (await sh(`findmnt -n -o FSTYPE,TARGET,OPTIONS --target '${dataDir}'`)).split(/\s+/);
    expect(facts.mount.ok && facts.mount.value.fsType).toBe(fsType);
    expect(facts.mount.ok && facts.mount.value.mountPoint).toBe(target);
    const atime = buildReport(facts).checks.find((c) => c.check === 'data dir mount atime')?.current;
    const expected = options.split(',').includes('noatime') ? 'noatime' : options.split(',').includes('relatime') ? 'relatime' : undefined;
    if (expected) expect(atime).toBe(expected);
  });

  it('free space equals df within the writes of other processes meanwhile', async (ctx) => {
    if (!(await has('df'))) ctx.skip();
    const [avail, size] = (await sh(`df -P -B1 '${dataDir}' | tail -1 | awk '{print $4, $2}'`)).split(' ').map(Number);
    expect(facts.fsStats.ok).toBe(true);
    if (!facts.fsStats.ok) return;
    expect(facts.fsStats.value.totalBytes).toBe(size);
    expect(Math.abs(facts.fsStats.value.availableBytes - avail)).toBeLessThan(256 * 1024 * 1024);
  });

  it('the block device scheduler equals sysfs for findmnt\'s MAJ:MIN', async (ctx) => {
    if (!(await has('findmnt'))) ctx.skip();
    const majmin = await sh(`findmnt -n -o MAJ:MIN --target '${dataDir}'`);
    const raw = await sh(`d=$(readlink -f /sys/dev/block/${majmin.trim()} 2>/dev/null) && { cat "$d/queue/scheduler" 2>/dev/null || cat "$(dirname "$d")/queue/scheduler" 2>/dev/null; } || true`);
    const current = /\[([^\]]+)\]/.exec(raw)?.[1] ?? (raw.split(/\s+/).length === 1 && raw ? raw : undefined);
    if (current === undefined) expect(facts.scheduler.ok).toBe(false);
    else expect(facts.scheduler.ok && facts.scheduler.value.current).toBe(current);
  });

  it('THP, clock source, kernel release and MemTotal equal /sys, uname and /proc/meminfo', async () => {
    const thpFile = '/sys/kernel/mm/transparent_hugepage/enabled';
    if (existsSync(thpFile)) expect(facts.thp.ok && facts.thp.value).toBe(/\[(\w+)\]/.exec(readFileSync(thpFile, 'utf8'))?.[1]);
    const clockFile = '/sys/devices/system/clocksource/clocksource0/current_clocksource';
    if (existsSync(clockFile)) expect(facts.clockSource.ok && facts.clockSource.value.current).toBe(readFileSync(clockFile, 'utf8').trim());
    expect(facts.kernelRelease.ok && facts.kernelRelease.value).toBe(await sh('uname -r'));
    const memTotalKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
    expect(facts.meminfo.ok && facts.meminfo.value.MemTotal).toBe(memTotalKb * 1024);
  });
});
