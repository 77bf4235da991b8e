/**
 * Checks of the filesystem holding the data dir: type, atime and XFS mount options, free space
 * and the block device's I/O scheduler. When the data dir does not exist yet, they look at its
 * nearest existing parent (where the broker would create it) and say so.
 */
import {CheckBase, formatBytes, unknown} from './common.js';
import {SOURCE} from './sources.js';
import type {CheckResult, DataDirScan, FsStats, HostFacts, MountEntry, Reading} from './types.js';

const GiB = 1024 ** 3;

/** Where the check looked, in words, for the reason text. */
export function describeLocation(scan: DataDirScan, checkedPath: string): string {
  return scan.exists ? `data dir ${scan.dataDir}` : `${checkedPath} (nearest existing parent of data dir ${scan.dataDir}, which does not exist yet)`;
}

/** XFS or ext4, the two filesystems Kafka is run and tested on; tmpfs loses everything at reboot. */
export function checkFilesystemType(mount: Reading<MountEntry>, where: string): CheckResult {
  const base: CheckBase = {
    check: 'data dir filesystem', required: 'xfs or ext4', severity: 'warning',
    fix: '# move the data dir to an XFS or ext4 filesystem (kstream broker start --data-dir DIR)', source: SOURCE.kafkaFs,
    remedy: {kind: 'manual', note: 'put the data dir on an XFS or ext4 filesystem'},
  };
  if (!mount.ok) return unknown(base, `${where}: ${mount.reason}`);
  const {fsType, mountPoint} = mount.value;
  const current = `${fsType} (${mountPoint})`;
  if (fsType === 'xfs' || fsType === 'ext4') return {...base, current, passed: true, reason: `${where} is on ${fsType}; XFS showed the best append latency in Kafka's tests, ext4 is the other well-trodden choice`};
  if (fsType === 'tmpfs' || fsType === 'ramfs') {
    return {...base, severity: 'error', current, passed: false, reason: `${where} is in memory (${fsType}): every record is lost at reboot and it competes with the page cache`};
  }
  if (fsType === 'overlay') return {...base, current, passed: false, reason: `${where} is on a container's overlay layer; mount a volume for the data dir`};
  return {...base, current, passed: false, reason: `${where} is on ${fsType}; Kafka is run and tested on XFS and ext4, other filesystems are untested for its workload`};
}

/** noatime (relatime is acceptable): reads must not turn into inode writes. */
export function checkAtime(mount: Reading<MountEntry>, where: string): CheckResult {
  const mp = mount.ok ? mount.value.mountPoint : '<mount point>';
  const base: CheckBase = {
    check: 'data dir mount atime', required: 'noatime (relatime accepted)', severity: 'warning',
    fix: `mount -o remount,noatime ${mp}`, source: SOURCE.kafkaFs, remedy: {kind: 'remount', mountPoint: mp, option: 'noatime'},
  };
  if (!mount.ok) return unknown(base, `${where}: ${mount.reason}`);
  const opts = mount.value.options;
  if (opts.includes('noatime')) return {...base, current: 'noatime', passed: true, reason: 'reads do not update access times; Kafka never uses atime'};
  if (opts.includes('relatime')) return {...base, current: 'relatime', passed: true, reason: 'access times are written at most once a day per file; noatime removes even that'};
  const current = opts.includes('strictatime') ? 'strictatime' : 'atime on every read';
  return {...base, current, passed: false, reason: 'every read (a consumer catching up, a replica bootstrapping) also writes the inode\'s access time'};
}

/** XFS only: `largeio` reports a large preferred I/O size; harmless elsewhere, so not applicable there. */
export function checkLargeio(mount: Reading<MountEntry>, where: string): CheckResult {
  const mp = mount.ok ? mount.value.mountPoint : '<mount point>';
  const base: CheckBase = {
    check: 'data dir mount largeio', required: 'largeio (XFS only)', severity: 'info',
    fix: `# add largeio to the options of ${mp} in /etc/fstab, then unmount and mount it (XFS cannot change it on remount)`, source: SOURCE.kafkaFs,
    remedy: {kind: 'manual', note: `add largeio to the mount options of ${mp} in /etc/fstab (XFS cannot change it on remount)`},
  };
  if (!mount.ok) return unknown(base, `${where}: ${mount.reason}`);
  const {fsType, options} = mount.value;
  if (fsType !== 'xfs') return {...base, current: `n/a (${fsType})`, passed: true, reason: `largeio is an XFS option; ${where} is on ${fsType}`};
  if (options.includes('largeio')) return {...base, current: 'largeio', passed: true, reason: 'XFS reports its stripe width as the preferred I/O size, favouring large sequential I/O'};
  return {...base, current: 'not set', passed: false, reason: 'Kafka\'s docs name largeio as the one XFS mount option worth considering; info only'};
}

/** Free space: an error below one default segment (1 GiB), a warning below rpk's 10 GiB. */
export function checkFreeSpace(stats: Reading<FsStats>, mount: Reading<MountEntry>, where: string): CheckResult {
  const mp = mount.ok ? mount.value.mountPoint : where;
  const base: CheckBase = {
    check: 'data dir free space', required: '>= 10 GiB (error below 1 GiB)', severity: 'warning',
    fix: `# free space on ${mp}, lower retention.bytes/retention.ms, or move the data dir to a larger filesystem`,
    source: `${SOURCE.rpkDisk}; 1 GiB is Kafka's default segment.bytes`,
    remedy: {kind: 'manual', note: `free space on ${mp} or move the data dir`},
  };
  if (!stats.ok) return unknown(base, `${where}: ${stats.reason}`);
  const {availableBytes, totalBytes} = stats.value;
  const pct = totalBytes > 0 ? Math.round((availableBytes / totalBytes) * 100) : 0;
  const current = `${formatBytes(availableBytes)} of ${formatBytes(totalBytes)} (${pct}%)`;
  if (availableBytes < GiB) {
    return {...base, severity: 'error', current, passed: false, reason: `${where}: less than one default segment (1 GiB) is free; the next segment roll or write can fail and a full disk takes the log dir offline`};
  }
  if (availableBytes < 10 * GiB) return {...base, current, passed: false, reason: `${where}: little room for retention to work with; a burst of writes can fill the disk`};
  return {...base, current, passed: true, reason: `${where}: room for retention to work with`};
}

const GOOD_SSD = ['none', 'noop', 'mq-deadline', 'deadline', 'kyber'];
const GOOD_HDD = ['mq-deadline', 'deadline'];

/** I/O scheduler: none/mq-deadline on SSDs (rpk wants none), mq-deadline on spinning disks; bfq/cfq trade throughput for fairness. */
export function checkScheduler(sched: HostFacts['scheduler'], where: string): CheckResult {
  const base: CheckBase = {
    check: 'block device scheduler', required: 'none or mq-deadline (mq-deadline on HDD)', severity: 'warning',
    fix: '# echo none > /sys/block/<device>/queue/scheduler', source: `${SOURCE.rpkScheduler}; kstream also accepts mq-deadline and kyber`,
  };
  if (!sched.ok) return unknown(base, `${where}: ${sched.reason}`);
  const {device, current, available, rotational} = sched.value;
  const good = rotational === true ? GOOD_HDD : GOOD_SSD;
  const kind = rotational === true ? 'spinning disk' : rotational === false ? 'SSD' : 'disk of unknown type';
  const best = good.find((s) => available.includes(s)) ?? good[0];
  const path = `/sys/block/${device}/queue/scheduler`;
  const withFix = {...base, required: rotational === true ? 'mq-deadline' : 'none or mq-deadline', fix: `echo ${best} > ${path}`, remedy: {kind: 'sysfs' as const, path, value: best}};
  const currentText = `${current} (${device}, ${kind})`;
  if (good.includes(current)) return {...withFix, current: currentText, passed: true, reason: `${device} uses ${current}, which keeps Kafka's sequential writes in order without fairness overhead`};
  return {...withFix, current: currentText, passed: false, reason: `${current} spends throughput on per-process fairness (or, on a spinning disk, does not sort requests); Kafka's writes are large and sequential`};
}
