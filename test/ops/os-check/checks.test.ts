/** Every verdict (pass, fail at each severity, unknown) of every check, as numbered cases on pure inputs. */
import {describe, expect, it} from 'vitest';
import {checkAtime, checkFilesystemType, checkFreeSpace, checkLargeio, checkScheduler} from '../../../src/ops/os-check/checks-disk.js';
import {checkDirtyBackgroundRatio, checkDirtyRatio, checkMaxMapCount, checkPageCacheMemory, checkSwappiness, checkTransparentHugePages} from '../../../src/ops/os-check/checks-memory.js';
import {checkBacklog, checkSocketBuffer, checkWindowScaling} from '../../../src/ops/os-check/checks-net.js';
import {checkClockSource, checkKernelVersion, checkOpenFiles} from '../../../src/ops/os-check/checks-system.js';
import type {CheckResult, DataDirScan, MountEntry, Reading} from '../../../src/ops/os-check/types.js';

const ok = <T>(value: T, path = '/proc/x'): Reading<T> => ({ok: true, value, path});
const missing = <T>(path = '/proc/x'): Reading<T> => ({ok: false, reason: `${path} does not exist (container)`, path});
const GiB = 1024 ** 3;
const noBytes = ok(0, '/proc/sys/vm/dirty_background_bytes');

function verdict(r: CheckResult): string {
  return r.passed === true ? 'pass' : r.passed === 'unknown' ? 'unknown' : `fail:${r.severity}`;
}

function scan(segments: number, exists = true): DataDirScan {
  return {dataDir: '/data', exists, partitions: segments > 0 ? 1 : 0, segments, segmentFiles: segments * 3, indexFiles: segments * 2};
}

function mount(fsType: string, options: string[], device = '8:1'): Reading<MountEntry> {
  return ok({mountPoint: '/data', device, fsType, source: '/dev/sda1', options}, '/proc/self/mountinfo');
}

describe('every check, every verdict', () => {
  const cases: Array<[string, () => CheckResult, string]> = [
    // 1-4 vm.swappiness
    ['1 swappiness 1 passes', () => checkSwappiness(ok(1)), 'pass'],
    ['2 swappiness 60 fails', () => checkSwappiness(ok(60)), 'fail:warning'],
    ['3 swappiness 0 fails (OOM instead of swap since 3.5)', () => checkSwappiness(ok(0)), 'fail:warning'],
    ['4 swappiness unreadable', () => checkSwappiness(missing()), 'unknown'],
    // 5-10 vm.dirty_background_ratio
    ['5 dirty_background_ratio 5 passes', () => checkDirtyBackgroundRatio(ok(5), noBytes, 16 * GiB), 'pass'],
    ['6 dirty_background_ratio 10 fails', () => checkDirtyBackgroundRatio(ok(10), noBytes, 16 * GiB), 'fail:warning'],
    ['7 dirty_background_ratio 0 is an error', () => checkDirtyBackgroundRatio(ok(0), noBytes, 16 * GiB), 'fail:error'],
    ['8 dirty_background_bytes 256 MiB of 16 GiB (1.6%) passes', () => checkDirtyBackgroundRatio(ok(0), ok(256 * 1024 * 1024, '/proc/sys/vm/dirty_background_bytes'), 16 * GiB), 'pass'],
    ['9 dirty_background_bytes without MemTotal is unknown', () => checkDirtyBackgroundRatio(ok(0), ok(1000, '/proc/sys/vm/dirty_background_bytes'), undefined), 'unknown'],
    ['10 dirty_background_ratio unreadable', () => checkDirtyBackgroundRatio(missing(), missing(), 16 * GiB), 'unknown'],
    // 11-15 vm.dirty_ratio
    ['11 dirty_ratio 60 passes', () => checkDirtyRatio(ok(60), noBytes, 16 * GiB), 'pass'],
    ['12 dirty_ratio 80 passes', () => checkDirtyRatio(ok(80), noBytes, 16 * GiB), 'pass'],
    ['13 dirty_ratio 20 fails', () => checkDirtyRatio(ok(20), noBytes, 16 * GiB), 'fail:warning'],
    ['14 dirty_ratio 90 fails', () => checkDirtyRatio(ok(90), noBytes, 16 * GiB), 'fail:warning'],
    ['15 dirty_ratio unreadable', () => checkDirtyRatio(missing(), noBytes, 16 * GiB), 'unknown'],
    // 16-20 vm.max_map_count from the data dir's segments
    ['16 max_map_count 65530 for 1000 segments passes', () => checkMaxMapCount(ok(65530), scan(1000)), 'pass'],
    ['17 max_map_count 65530 for 30000 segments (60000 maps, no headroom) fails', () => checkMaxMapCount(ok(65530), scan(30000)), 'fail:warning'],
    ['18 max_map_count 65530 for 40000 segments (80000 maps) is an error', () => checkMaxMapCount(ok(65530), scan(40000)), 'fail:error'],
    ['19 max_map_count with a missing data dir passes and says so', () => checkMaxMapCount(ok(65530), scan(0, false)), 'pass'],
    ['20 max_map_count unreadable', () => checkMaxMapCount(missing(), scan(10)), 'unknown'],
    // 21-24 transparent huge pages
    ['21 THP madvise passes', () => checkTransparentHugePages(ok('madvise')), 'pass'],
    ['22 THP never passes', () => checkTransparentHugePages(ok('never')), 'pass'],
    ['23 THP always fails as info', () => checkTransparentHugePages(ok('always')), 'fail:info'],
    ['24 THP unreadable', () => checkTransparentHugePages(missing()), 'unknown'],
    // 25-28 memory for the page cache
    ['25 8 GiB available passes', () => checkPageCacheMemory(ok({MemTotal: 16 * GiB, MemAvailable: 8 * GiB})), 'pass'],
    ['26 512 MiB available fails', () => checkPageCacheMemory(ok({MemTotal: 16 * GiB, MemAvailable: GiB / 2})), 'fail:warning'],
    ['27 old kernel without MemAvailable: free + cached + buffers', () => checkPageCacheMemory(ok({MemTotal: 4 * GiB, MemFree: GiB / 2, Cached: GiB, Buffers: 0})), 'pass'],
    ['28 meminfo unreadable', () => checkPageCacheMemory(missing()), 'unknown'],
    // 29-34 filesystem type
    ['29 xfs passes', () => checkFilesystemType(mount('xfs', []), 'data dir /data'), 'pass'],
    ['30 ext4 passes', () => checkFilesystemType(mount('ext4', []), 'data dir /data'), 'pass'],
    ['31 btrfs fails', () => checkFilesystemType(mount('btrfs', []), 'data dir /data'), 'fail:warning'],
    ['32 overlay fails', () => checkFilesystemType(mount('overlay', [], '0:50'), 'data dir /data'), 'fail:warning'],
    ['33 tmpfs is an error', () => checkFilesystemType(mount('tmpfs', [], '0:30'), 'data dir /data'), 'fail:error'],
    ['34 no mountinfo', () => checkFilesystemType(missing(), 'data dir /data'), 'unknown'],
    // 35-38 atime
    ['35 noatime passes', () => checkAtime(mount('xfs', ['rw', 'noatime']), 'data dir /data'), 'pass'],
    ['36 relatime passes', () => checkAtime(mount('xfs', ['rw', 'relatime']), 'data dir /data'), 'pass'],
    ['37 strictatime fails', () => checkAtime(mount('xfs', ['rw', 'strictatime']), 'data dir /data'), 'fail:warning'],
    ['38 atime unknown', () => checkAtime(missing(), 'data dir /data'), 'unknown'],
    // 39-42 largeio
    ['39 xfs with largeio passes', () => checkLargeio(mount('xfs', ['rw', 'largeio']), 'data dir /data'), 'pass'],
    ['40 xfs without largeio fails as info', () => checkLargeio(mount('xfs', ['rw']), 'data dir /data'), 'fail:info'],
    ['41 ext4 does not apply', () => checkLargeio(mount('ext4', ['rw']), 'data dir /data'), 'pass'],
    ['42 largeio unknown', () => checkLargeio(missing(), 'data dir /data'), 'unknown'],
    // 43-46 free space
    ['43 100 GiB free passes', () => checkFreeSpace(ok({availableBytes: 100 * GiB, totalBytes: 200 * GiB}), mount('xfs', []), 'data dir /data'), 'pass'],
    ['44 5 GiB free fails', () => checkFreeSpace(ok({availableBytes: 5 * GiB, totalBytes: 200 * GiB}), mount('xfs', []), 'data dir /data'), 'fail:warning'],
    ['45 500 MiB free is an error', () => checkFreeSpace(ok({availableBytes: GiB / 2, totalBytes: 200 * GiB}), mount('xfs', []), 'data dir /data'), 'fail:error'],
    ['46 statfs failed', () => checkFreeSpace(missing('/data'), mount('xfs', []), 'data dir /data'), 'unknown'],
    // 47-52 scheduler
    ['47 SSD with none passes', () => checkScheduler(ok({device: 'nvme0n1', current: 'none', available: ['none', 'mq-deadline'], rotational: false}), 'w'), 'pass'],
    ['48 SSD with mq-deadline passes', () => checkScheduler(ok({device: 'sda', current: 'mq-deadline', available: ['none', 'mq-deadline', 'bfq'], rotational: false}), 'w'), 'pass'],
    ['49 SSD with bfq fails', () => checkScheduler(ok({device: 'sda', current: 'bfq', available: ['none', 'mq-deadline', 'bfq'], rotational: false}), 'w'), 'fail:warning'],
    ['50 HDD with none fails', () => checkScheduler(ok({device: 'sdb', current: 'none', available: ['none', 'mq-deadline'], rotational: true}), 'w'), 'fail:warning'],
    ['51 HDD with mq-deadline passes', () => checkScheduler(ok({device: 'sdb', current: 'mq-deadline', available: ['none', 'mq-deadline'], rotational: true}), 'w'), 'pass'],
    ['52 no block device (overlay)', () => checkScheduler(missing('/sys/dev/block/0:50'), 'w'), 'unknown'],
    // 53-56 socket buffers
    ['53 wmem_default 128 KiB passes', () => checkSocketBuffer('net.core.wmem_default', ok(131072)), 'pass'],
    ['54 rmem_default 64 KiB fails', () => checkSocketBuffer('net.core.rmem_default', ok(65536)), 'fail:warning'],
    ['55 wmem_max 208 KiB fails', () => checkSocketBuffer('net.core.wmem_max', ok(212992)), 'fail:warning'],
    ['56 rmem_max 4 MiB passes', () => checkSocketBuffer('net.core.rmem_max', ok(4194304)), 'pass'],
    ['57 rmem_max unreadable', () => checkSocketBuffer('net.core.rmem_max', missing()), 'unknown'],
    // 58-62 backlogs and window scaling
    ['58 syn backlog 4096 passes', () => checkBacklog('net.ipv4.tcp_max_syn_backlog', ok(4096)), 'pass'],
    ['59 syn backlog 1024 fails', () => checkBacklog('net.ipv4.tcp_max_syn_backlog', ok(1024)), 'fail:warning'],
    ['60 somaxconn 128 fails', () => checkBacklog('net.core.somaxconn', ok(128)), 'fail:warning'],
    ['61 somaxconn unreadable', () => checkBacklog('net.core.somaxconn', missing()), 'unknown'],
    ['62 window scaling 1 passes', () => checkWindowScaling(ok(1)), 'pass'],
    ['63 window scaling 0 fails', () => checkWindowScaling(ok(0)), 'fail:warning'],
    ['64 window scaling unreadable', () => checkWindowScaling(missing()), 'unknown'],
    // 65-70 clock source
    ['65 tsc passes', () => checkClockSource(ok({current: 'tsc', available: ['tsc', 'hpet']})), 'pass'],
    ['66 arch_sys_counter (ARM) passes', () => checkClockSource(ok({current: 'arch_sys_counter', available: ['arch_sys_counter']})), 'pass'],
    ['67 kvm-clock where tsc is offered fails', () => checkClockSource(ok({current: 'kvm-clock', available: ['kvm-clock', 'tsc']})), 'fail:warning'],
    ['68 kvm-clock where tsc is not offered passes', () => checkClockSource(ok({current: 'kvm-clock', available: ['kvm-clock']})), 'pass'],
    ['69 hpet fails', () => checkClockSource(ok({current: 'hpet', available: ['hpet', 'acpi_pm']})), 'fail:warning'],
    ['70 clock source unreadable', () => checkClockSource(missing()), 'unknown'],
    // 71-74 kernel version
    ['71 6.8 passes', () => checkKernelVersion(ok('6.8.0-45-generic')), 'pass'],
    ['72 4.19.0 passes', () => checkKernelVersion(ok('4.19.0')), 'pass'],
    ['73 3.10 fails', () => checkKernelVersion(ok('3.10.0-1160.el7.x86_64')), 'fail:warning'],
    ['74 unreadable', () => checkKernelVersion(missing()), 'unknown'],
  ];
  it.each(cases)('%s', (_name, run, expected) => {
    const result = run();
    expect(verdict(result)).toBe(expected);
    expect(result.source.length).toBeGreaterThan(10);
    expect(result.reason.length).toBeGreaterThan(10);
    if (result.passed === 'unknown') {
      expect(result.current).toBe('unknown');
      expect(result.reason).toMatch(/does not exist|cannot|no |not /);
    }
  });
});

describe('open files (soft and hard)', () => {
  const v = (rs: CheckResult[]) => rs.map(verdict);
  it('75 200000/200000 passes both', () => expect(v(checkOpenFiles(ok({soft: 200000, hard: 200000}), scan(100), 1000))).toEqual(['pass', 'pass']));
  it('76 1024 soft below Kafka\'s 100000 but above the need: warning; hard passes', () => {
    expect(v(checkOpenFiles(ok({soft: 1024, hard: 524288}), scan(3), 1000))).toEqual(['fail:warning', 'pass']);
  });
  it('77 soft and hard below the counted need are errors', () => {
    const rs = checkOpenFiles(ok({soft: 4096, hard: 4096}), scan(2000), 1000);
    expect(v(rs)).toEqual(['fail:error', 'fail:error']);
    expect(rs[0].reason).toContain('6000 segment files in 1 partitions of /data + 1000 connections = 7000');
  });
  it('78 unlimited passes', () => expect(v(checkOpenFiles(ok({soft: Infinity, hard: Infinity}), scan(1), 0))).toEqual(['pass', 'pass']));
  it('79 unreadable limits are unknown', () => expect(v(checkOpenFiles(missing(), scan(1), 0))).toEqual(['unknown', 'unknown']));
  it('80 a missing data dir is named in the reason', () => {
    expect(checkOpenFiles(ok({soft: 200000, hard: 200000}), scan(0, false), 1000)[0].reason).toContain('does not exist yet');
  });
});

describe('a data dir that cannot be fully read', () => {
  const unreadable: DataDirScan = {...scan(10), error: 'cannot list /data/orders-0: EACCES'};
  it('81 max_map_count keeps its value but the verdict is unknown, with no remedy', () => {
    const r = checkMaxMapCount(ok(65530), unreadable);
    expect(r).toMatchObject({current: '65530', passed: 'unknown'});
    expect(r.reason).toContain('EACCES');
    expect(r.remedy).toBeUndefined();
  });
  it('82 open files are unknown for the same reason', () => {
    expect(checkOpenFiles(ok({soft: 1024, hard: 1024}), unreadable, 1000).map((r) => r.passed)).toEqual(['unknown', 'unknown']);
  });
});

describe('details that other code relies on', () => {
  it('max_map_count asks for 2 maps per segment with headroom and fixes to at least 262144', () => {
    const r = checkMaxMapCount(ok(65530), scan(40000));
    expect(r.required).toBe('>= 101024 (2 x 40000 segments + headroom)');
    expect(r.fix).toBe('sysctl -w vm.max_map_count=262144');
    expect(r.remedy).toEqual({kind: 'sysctl', key: 'vm.max_map_count', value: '262144'});
  });
  it('scheduler fix names the device and a scheduler it offers', () => {
    const r = checkScheduler(ok({device: 'sda', current: 'bfq', available: ['mq-deadline', 'bfq'], rotational: false}), 'w');
    expect(r.fix).toBe('echo mq-deadline > /sys/block/sda/queue/scheduler');
  });
  it('unknown results carry no remedy, so a fix script never guesses', () => {
    expect(checkSwappiness(missing()).remedy).toBeUndefined();
  });
});
