/** The host reader on fake trees: what it reads, and how a missing value becomes a reason. */
import {promises as fs} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {scanDataDir} from '../../../src/ops/os-check/data-dir.js';
import {readHostFacts} from '../../../src/ops/os-check/host.js';
import {makeDataDir, makeFakeHost, mountinfoText, removeAll} from './fake-host.js';

const statfs = async () => ({availableBytes: 50 * 1024 ** 3, totalBytes: 100 * 1024 ** 3});
const cleanup: string[] = [];
afterEach(async () => removeAll(...cleanup.splice(0)));

async function fake(spec: Parameters<typeof makeFakeHost>[0] = {}) {
  const root = await makeFakeHost(spec);
  const dataDir = await makeDataDir(3, 2);
  cleanup.push(root, dataDir);
  return {root, dataDir};
}

describe('readHostFacts on a fake tree', () => {
  it('reads sysctls, meminfo, limits, THP, clock source, kernel, mount and the partition\'s disk scheduler', async () => {
    const {root, dataDir} = await fake();
    const facts = await readHostFacts({root, dataDir, statfs});
    expect(facts.sysctl['vm.swappiness']).toEqual({ok: true, value: '1', path: '/proc/sys/vm/swappiness'});
    expect(facts.meminfo.ok && facts.meminfo.value.MemTotal).toBe(16384000 * 1024);
    expect(facts.limits).toEqual({ok: true, value: {soft: 200000, hard: 200000}, path: '/proc/self/limits'});
    expect(facts.thp.ok && facts.thp.value).toBe('madvise');
    expect(facts.clockSource.ok && facts.clockSource.value).toEqual({current: 'tsc', available: ['tsc', 'hpet', 'acpi_pm']});
    expect(facts.kernelRelease.ok && facts.kernelRelease.value).toBe('6.8.0-45-generic');
    expect(facts.mount.ok && facts.mount.value).toMatchObject({mountPoint: '/', fsType: 'xfs', device: '8:1'});
    // 8:1 is a partition: the scheduler comes from its disk, sda.
    expect(facts.scheduler.ok && facts.scheduler.value).toEqual({device: 'sda', current: 'none', available: ['none', 'mq-deadline', 'kyber', 'bfq'], rotational: false});
    expect(facts.dataDir).toMatchObject({exists: true, partitions: 3, segments: 6, segmentFiles: 18, indexFiles: 12});
  });

  it('reads the scheduler of a whole-disk mount directly', async () => {
    const {root, dataDir} = await fake({mountinfo: mountinfoText('ext4', 'rw,relatime', 'rw', '8:0', '/dev/sda'), disk: {scheduler: 'none [mq-deadline]', rotational: '1'}});
    const facts = await readHostFacts({root, dataDir, statfs});
    expect(facts.scheduler.ok && facts.scheduler.value).toMatchObject({device: 'sda', current: 'mq-deadline', rotational: true});
  });

  it('turns every missing file into a reading with the reason (a container)', async () => {
    const nulls = Object.fromEntries(['vm.swappiness', 'net.core.somaxconn'].map((k) => [k, null]));
    const {root, dataDir} = await fake({sysctl: nulls, meminfo: null, limits: null, mountinfo: null, osrelease: null, thp: null, clock: null, disk: null});
    const facts = await readHostFacts({root, dataDir, statfs});
    expect(facts.sysctl['vm.swappiness']).toMatchObject({ok: false, reason: expect.stringContaining('/proc/sys/vm/swappiness does not exist')});
    expect(facts.sysctl['vm.dirty_ratio'].ok).toBe(true);
    for (const reading of [facts.meminfo, facts.limits, facts.mount, facts.thp, facts.clockSource, facts.kernelRelease, facts.scheduler]) {
      expect(reading.ok).toBe(false);
      if (!reading.ok) expect(reading.reason).toMatch(/does not exist/);
    }
  });

  it('says why there is no scheduler for an overlay root', async () => {
    const {root, dataDir} = await fake({mountinfo: mountinfoText('overlay', 'rw,relatime', 'rw,lowerdir=/a,upperdir=/b', '0:55', 'overlay')});
    const facts = await readHostFacts({root, dataDir, statfs});
    expect(facts.scheduler).toMatchObject({ok: false, reason: expect.stringContaining('overlay (overlay), not on a block device')});
  });

  it('reports unexpected content instead of guessing', async () => {
    const {root, dataDir} = await fake({limits: {soft: 'many', hard: 'many'}, osrelease: 'unknown-kernel'});
    const facts = await readHostFacts({root, dataDir, statfs});
    expect(facts.limits).toMatchObject({ok: false, reason: expect.stringContaining('unexpected content in /proc/self/limits')});
    expect(facts.kernelRelease.ok).toBe(false);
  });

  it('a data dir that does not exist: zero counts, filesystem checks on its nearest existing parent', async () => {
    const {root, dataDir} = await fake();
    const absent = path.join(dataDir, 'not', 'yet');
    const facts = await readHostFacts({root, dataDir: absent, statfs});
    expect(facts.dataDir).toMatchObject({exists: false, partitions: 0, segments: 0});
    expect(facts.checkedPath).toBe(await fs.realpath(dataDir));
  });

  it('the default statfs reads the real free space of the checked path', async () => {
    const {root, dataDir} = await fake();
    const facts = await readHostFacts({root, dataDir});
    const st = await fs.statfs(dataDir);
    expect(facts.fsStats.ok && facts.fsStats.value.totalBytes).toBe(st.blocks * st.bsize);
  });
});

describe('scanDataDir', () => {
  it('counts partition dirs and the files Kafka keeps open, skipping -delete dirs and other files', async () => {
    const dir = await makeDataDir(2, 3);
    cleanup.push(dir);
    await fs.writeFile(path.join(dir, 'orders-0', '00000000000000000000.txnindex'), '');
    await fs.writeFile(path.join(dir, 'orders-0', '00000000000000000000.log.deleted'), '');
    await fs.writeFile(path.join(dir, 'orders-0', '00000000000000000000.snapshot'), '');
    expect(await scanDataDir(dir)).toEqual({dataDir: dir, exists: true, partitions: 2, segments: 6, segmentFiles: 19, indexFiles: 12});
  });
  it('a --data-dir that is a file is a usage error', async () => {
    const dir = await makeDataDir(0, 0);
    cleanup.push(dir);
    const file = path.join(dir, 'recovery-point-offset-checkpoint');
    await expect(scanDataDir(file)).rejects.toThrow(`--data-dir ${file} is not a directory`);
  });
  it('reports a missing dir as not existing', async () => {
    const dir = path.join(os.tmpdir(), `kstream-missing-${process.pid}-${Date.now()}`);
    expect(await scanDataDir(dir)).toMatchObject({exists: false, partitions: 0});
  });
});
