/** Process limits, clock source and kernel version checks. */
import {CheckBase, formatCount, unknown, unknownNeed} from './common.js';
import {parseKernelVersion} from './proc-parse.js';
import {SOURCE} from './sources.js';
import type {CheckResult, DataDirScan, HostFacts, Reading} from './types.js';

/** Kafka's starting point for the broker's descriptor limit. */
export const KAFKA_MIN_OPEN_FILES = 100000;

/**
 * Open files (soft and hard): every segment's .log, .index, .timeindex (and .txnindex) is an open
 * descriptor, plus one per client connection. Below that need the broker fails with "Too many open
 * files" (error); below Kafka's recommended 100000 it is a warning.
 */
export function checkOpenFiles(limits: Reading<{soft: number; hard: number}>, scan: DataDirScan, connections: number): CheckResult[] {
  const needed = scan.segmentFiles + connections;
  const target = Math.max(needed, KAFKA_MIN_OPEN_FILES);
  const counted = scan.exists
    ? `${scan.segmentFiles} segment files in ${scan.partitions} partitions of ${scan.dataDir} + ${connections} connections = ${needed}`
    : `data dir ${scan.dataDir} does not exist yet, so 0 segment files + ${connections} connections = ${needed}`;
  const whose = 'These are the limits of this process, inherited from the shell that ran kstream; a broker started by systemd has its own (LimitNOFILE=, shown in /proc/<pid>/limits).';
  return (['soft', 'hard'] as const).map((which) => {
    const base: CheckBase = {
      check: `open files (${which})`, required: `>= ${target}`, severity: 'warning',
      fix: which === 'soft' ? `ulimit -Sn ${target}` : `# as root: '* hard nofile ${target}' in /etc/security/limits.d/, or LimitNOFILE=${target} in the broker's systemd unit`,
      source: SOURCE.kafkaOs, remedy: {kind: 'nofile', limit: which, value: target},
    };
    if (!limits.ok) return unknown(base, `${limits.reason}; ${counted}`);
    const value = limits.value[which];
    const current = formatCount(value);
    if (scan.error) return unknownNeed(base, current, `the segment files cannot all be counted: ${scan.error}`);
    if (value < needed) return {...base, severity: 'error', current, passed: false, reason: `${counted} descriptors needed; the broker fails with "Too many open files". ${whose}`};
    if (value < KAFKA_MIN_OPEN_FILES) return {...base, current, passed: false, reason: `${counted} descriptors needed, which fit, but Kafka recommends at least ${KAFKA_MIN_OPEN_FILES} as a starting point because segments and connections grow. ${whose}`};
    return {...base, current, passed: true, reason: `${counted} descriptors needed. ${whose}`};
  });
}

/** Clocks that are the best a virtual machine offers when it does not expose a stable TSC. */
const NATIVE_OR_PARAVIRT = ['kvm-clock', 'xen', 'hyperv_clocksource_tsc_page', 'hyperv_clocksource'];

/** Clock source: tsc (arch_sys_counter on ARM); a paravirtual clock passes only where the VM offers no tsc. */
export function checkClockSource(reading: HostFacts['clockSource']): CheckResult {
  const path = '/sys/devices/system/clocksource/clocksource0/current_clocksource';
  const base: CheckBase = {
    check: 'clock source', required: 'tsc (arch_sys_counter on ARM)', severity: 'warning',
    fix: `echo tsc > ${path}`, source: SOURCE.rpkClock, remedy: {kind: 'sysfs', path, value: 'tsc'},
  };
  if (!reading.ok) return unknown(base, reading.reason);
  const {current, available} = reading.value;
  if (current === 'tsc' || current === 'arch_sys_counter') return {...base, current, passed: true, reason: 'timestamps (every record batch, every request metric) are read without a system call or hypervisor exit'};
  if (NATIVE_OR_PARAVIRT.includes(current) && !available.includes('tsc')) {
    return {...base, current, passed: true, reason: `this virtual machine offers no tsc clock (available: ${available.join(' ') || 'unknown'}); ${current} is the best it has`};
  }
  const noTsc = !available.includes('tsc');
  return {
    ...base, current, passed: false,
    ...(noTsc ? {fix: '# tsc is not offered by this kernel; check the hypervisor/BIOS settings', remedy: {kind: 'manual' as const, note: 'tsc is not available; check hypervisor/BIOS'}} : {}),
    reason: `${current} makes each clock read slower than tsc; Kafka reads the clock for every batch and request`,
  };
}

/** Kernel version: 4.19 or later (rpk's floor; Node.js 20 itself needs 4.18). */
export function checkKernelVersion(release: Reading<string>): CheckResult {
  const base: CheckBase = {
    check: 'kernel version', required: '>= 4.19', severity: 'warning',
    fix: '# upgrade to Linux 4.19 or later', source: SOURCE.rpkKernel, remedy: {kind: 'manual', note: 'upgrade the kernel to 4.19 or later'},
  };
  if (!release.ok) return unknown(base, release.reason);
  const v = parseKernelVersion(release.value);
  if (!v) return unknown(base, `cannot parse kernel release ${JSON.stringify(release.value)}`);
  const ok = v[0] > 4 || (v[0] === 4 && v[1] >= 19);
  if (ok) return {...base, current: release.value, passed: true, reason: 'a kernel with the multi-queue block layer and current TCP and page-cache behaviour'};
  return {...base, current: release.value, passed: false, reason: 'kernels before 4.19 lack fixes to the block layer and networking that brokers depend on; Node.js 20 needs at least 4.18'};
}
