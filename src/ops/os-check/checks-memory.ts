/**
 * Virtual-memory checks: swapping, dirty-page flushing, memory maps, huge pages and the memory
 * left for the page cache. Each is a pure function of the values read from the host.
 */
import {CheckBase, formatBytes, unknown, unknownNeed} from './common.js';
import {SOURCE} from './sources.js';
import type {CheckResult, DataDirScan, Reading} from './types.js';

const GiB = 1024 ** 3;

function sysctlBase(key: string, value: string, required: string, severity: CheckResult['severity'], source: string): CheckBase {
  return {check: key, required, severity, fix: `sysctl -w ${key}=${value}`, source, remedy: {kind: 'sysctl', key, value}};
}

/** vm.swappiness = 1: swap only to avoid the OOM killer, keep the page cache (not 0: since Linux 3.5, 0 disables swap until OOM). */
export function checkSwappiness(value: Reading<number>): CheckResult {
  const base = sysctlBase('vm.swappiness', '1', '1', 'warning', SOURCE.guideVm);
  if (!value.ok) return unknown(base, value.reason);
  const v = value.value;
  const current = String(v);
  if (v === 1) return {...base, current, passed: true, reason: 'the kernel drops page cache rather than swapping the broker out, but can still swap to avoid the OOM killer'};
  if (v === 0) return {...base, current, passed: false, reason: 'since Linux 3.5, 0 means never swap even under memory pressure, so the OOM killer may stop the broker; 1 keeps that escape valve'};
  return {...base, current, passed: false, reason: `with ${v} the kernel swaps process memory out to keep page cache; a swapped-out broker stalls, and the memory taken from the page cache is what Kafka reads from`};
}

/** A ratio sysctl, or its `_bytes` twin when that is set (the kernel uses whichever was written last). */
function effectivePercent(ratio: Reading<number>, bytes: Reading<number>, memTotal: number | undefined): {percent: number; current: string} | {unknown: string} {
  if (bytes.ok && bytes.value > 0) {
    const key = bytes.path.replace('/proc/sys/', '').replaceAll('/', '.');
    if (!memTotal) return {unknown: `${key} is set (${bytes.value}) but MemTotal could not be read to compare it`};
    const percent = (bytes.value / memTotal) * 100;
    return {percent, current: `${key}=${bytes.value} (~${percent.toFixed(1)}% of RAM)`};
  }
  if (!ratio.ok) return {unknown: ratio.reason};
  return {percent: ratio.value, current: String(ratio.value)};
}

/** vm.dirty_background_ratio: 5 (at most 5, never 0: 0 makes the kernel flush continually). */
export function checkDirtyBackgroundRatio(ratio: Reading<number>, bytes: Reading<number>, memTotal: number | undefined): CheckResult {
  const base = sysctlBase('vm.dirty_background_ratio', '5', '1-5 (5 recommended), never 0', 'warning', SOURCE.guideVm);
  const eff = effectivePercent(ratio, bytes, memTotal);
  if ('unknown' in eff) return unknown(base, eff.unknown);
  if (eff.percent === 0) {
    return {...base, severity: 'error', current: eff.current, passed: false, reason: '0 makes the kernel flush dirty pages continually, so it can no longer absorb bursts of writes against slow moments of the disk'};
  }
  if (eff.percent <= 5) return {...base, current: eff.current, passed: true, reason: 'background flushing starts early, keeping the amount of unflushed data small'};
  return {...base, current: eff.current, passed: false, reason: 'background flushing starts late, so more dirty data piles up and is written in larger, slower bursts'};
}

/** vm.dirty_ratio: 60-80, so writers are rarely blocked on synchronous flushing. */
export function checkDirtyRatio(ratio: Reading<number>, bytes: Reading<number>, memTotal: number | undefined): CheckResult {
  const base = sysctlBase('vm.dirty_ratio', '60', '60-80', 'warning', SOURCE.guideVm);
  const eff = effectivePercent(ratio, bytes, memTotal);
  if ('unknown' in eff) return unknown(base, eff.unknown);
  if (eff.percent >= 60 && eff.percent <= 80) return {...base, current: eff.current, passed: true, reason: 'writers are blocked for synchronous flushing only when most of memory is dirty'};
  if (eff.percent < 60) return {...base, current: eff.current, passed: false, reason: 'the broker\'s writes block on synchronous flushing once this share of memory is dirty; a low value turns write bursts into stalls'};
  return {...base, current: eff.current, passed: false, reason: 'above 80% the amount of unflushed data makes forced flushes long I/O pauses and more data is lost in a crash'};
}

/**
 * vm.max_map_count: Kafka maps each segment's .index and .timeindex, two maps per segment.
 * Needed = 2 x segments counted in the data dir; required adds 25% for segments still to roll
 * and 1024 for the process's own mappings (libraries, heap).
 */
export function checkMaxMapCount(value: Reading<number>, scan: DataDirScan): CheckResult {
  const needed = 2 * scan.segments;
  const required = Math.ceil(needed * 1.25) + 1024;
  const target = Math.max(262144, required);
  const base = sysctlBase('vm.max_map_count', String(target), `>= ${required} (2 x ${scan.segments} segments + headroom)`, 'warning', SOURCE.kafkaOs);
  const counted = scan.exists
    ? `${scan.segments} segments in ${scan.partitions} partitions of ${scan.dataDir}`
    : `data dir ${scan.dataDir} does not exist yet, so 0 segments`;
  if (!value.ok) return unknown(base, `${value.reason}; ${counted}`);
  const current = String(value.value);
  if (scan.error) return unknownNeed(base, current, `the segments cannot all be counted: ${scan.error}`);
  if (value.value < needed) {
    return {...base, severity: 'error', current, passed: false, reason: `${counted}: ${needed} memory maps needed (one per .index and .timeindex); the broker fails with "Map failed" (OutOfMemoryError) before it can open them all`};
  }
  if (value.value < required) {
    return {...base, current, passed: false, reason: `${counted}: ${needed} memory maps needed, which fit, but leave no room for new segments and the process's own mappings`};
  }
  return {...base, current, passed: true, reason: `${counted}: ${needed} memory maps needed (one per .index and .timeindex), with room to grow`};
}

/** Transparent huge pages: `madvise` or `never`; `always` can stall allocations on compaction. */
export function checkTransparentHugePages(value: Reading<string>): CheckResult {
  const path = '/sys/kernel/mm/transparent_hugepage/enabled';
  const base: CheckBase = {
    check: 'transparent huge pages', required: 'madvise or never', severity: 'info',
    fix: `echo madvise > ${path}`, source: SOURCE.thp, remedy: {kind: 'sysfs', path, value: 'madvise'},
  };
  if (!value.ok) return unknown(base, value.reason);
  if (value.value === 'madvise' || value.value === 'never') {
    return {...base, current: value.value, passed: true, reason: 'huge pages only where a program asks for them, so page-cache-heavy workloads avoid compaction stalls'};
  }
  return {...base, current: value.value, passed: false, reason: 'with "always" the kernel compacts memory to build huge pages, which shows up as latency spikes under memory pressure; info only, since the effect depends on the workload'};
}

/** Memory left for the page cache: MemAvailable (free + reclaimable cache), at least 1 GiB. */
export function checkPageCacheMemory(meminfo: Reading<Record<string, number>>): CheckResult {
  const base: CheckBase = {
    check: 'memory for page cache', required: '>= 1 GiB available', severity: 'warning',
    fix: '# stop memory-hungry processes or add RAM; keep broker heaps small so the rest serves as page cache',
    source: `${SOURCE.kafkaMemory}; 1 GiB is kstream's floor (about 30 s of writes at 35 MB/s, the docs' sizing rule)`,
    remedy: {kind: 'manual', note: 'free memory for the page cache (stop other processes, add RAM, keep heaps small)'},
  };
  if (!meminfo.ok) return unknown(base, meminfo.reason);
  const m = meminfo.value;
  // MemAvailable exists since Linux 3.14; older kernels get the classic estimate.
  const available = m.MemAvailable ?? ((m.MemFree ?? 0) + (m.Cached ?? 0) + (m.Buffers ?? 0));
  const current = `${formatBytes(available)} of ${formatBytes(m.MemTotal)}`;
  if (available >= GiB) return {...base, current, passed: true, reason: 'Kafka serves recent data from the page cache; this much memory can hold it'};
  return {...base, current, passed: false, reason: 'Kafka reads recent data from the page cache and relies on it to batch writes; with this little memory, consumers read from disk and writes are flushed early'};
}
