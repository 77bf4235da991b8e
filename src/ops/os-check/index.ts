/**
 * `kstream check os`: read the host once (host.ts), run every check as a pure function of what
 * was read, and sum the verdicts into an exit code: 0 all pass, 1 a warning failed, 2 an error
 * failed. Unknown never fails, and info findings never change the exit code.
 */
import {asInt} from './common.js';
import {summarize, VerdictSummary} from '../checks/verdicts.js';
import {checkAtime, checkFilesystemType, checkFreeSpace, checkLargeio, checkScheduler, describeLocation} from './checks-disk.js';
import {checkDirtyBackgroundRatio, checkDirtyRatio, checkMaxMapCount, checkPageCacheMemory, checkSwappiness, checkTransparentHugePages} from './checks-memory.js';
import {checkBacklog, checkSocketBuffer, checkWindowScaling} from './checks-net.js';
import {checkClockSource, checkKernelVersion, checkOpenFiles} from './checks-system.js';
import {readHostFacts} from './host.js';
import type {CheckResult, FsStats, HostFacts} from './types.js';

export type {CheckResult, HostFacts, Passed, Severity, Remedy} from './types.js';
export {defaultBrokerDataDir} from './data-dir.js';

/** Client connections the broker is assumed to hold when sizing the open-file limit. */
export const DEFAULT_CONNECTIONS = 1000;

export interface OsCheckOptions {
  dataDir: string;
  /** Connections to budget descriptors for (default 1000). */
  connections?: number;
  /** Directory standing for `/` when reading /proc and /sys (tests). */
  root?: string;
  statfs?: (target: string) => Promise<FsStats>;
}

export type {ExitCode} from '../checks/verdicts.js';

export interface OsCheckReport {
  dataDir: string;
  dataDirExists: boolean;
  /** Why the data dir could not be fully counted (permissions), when it could not. */
  dataDirError?: string;
  /** Where the filesystem checks looked: the data dir, or its nearest existing parent. */
  checkedPath: string;
  partitions: number;
  segments: number;
  segmentFiles: number;
  connections: number;
  checks: CheckResult[];
  summary: VerdictSummary;
}

/** Every check, in the order they are shown. Pure: the facts in, the results out. */
export function evaluateChecks(facts: HostFacts, connections = DEFAULT_CONNECTIONS): CheckResult[] {
  const s = (key: string) => asInt(facts.sysctl[key]);
  const memTotal = facts.meminfo.ok ? facts.meminfo.value.MemTotal : undefined;
  const where = describeLocation(facts.dataDir, facts.checkedPath);
  return [
    checkSwappiness(s('vm.swappiness')),
    checkDirtyBackgroundRatio(s('vm.dirty_background_ratio'), s('vm.dirty_background_bytes'), memTotal),
    checkDirtyRatio(s('vm.dirty_ratio'), s('vm.dirty_bytes'), memTotal),
    checkMaxMapCount(s('vm.max_map_count'), facts.dataDir),
    ...checkOpenFiles(facts.limits, facts.dataDir, connections),
    checkFilesystemType(facts.mount, where),
    checkAtime(facts.mount, where),
    checkLargeio(facts.mount, where),
    checkFreeSpace(facts.fsStats, facts.mount, where),
    checkScheduler(facts.scheduler, where),
    checkPageCacheMemory(facts.meminfo),
    checkTransparentHugePages(facts.thp),
    checkSocketBuffer('net.core.wmem_default', s('net.core.wmem_default')),
    checkSocketBuffer('net.core.rmem_default', s('net.core.rmem_default')),
    checkSocketBuffer('net.core.wmem_max', s('net.core.wmem_max')),
    checkSocketBuffer('net.core.rmem_max', s('net.core.rmem_max')),
    checkBacklog('net.ipv4.tcp_max_syn_backlog', s('net.ipv4.tcp_max_syn_backlog')),
    checkBacklog('net.core.somaxconn', s('net.core.somaxconn')),
    checkWindowScaling(s('net.ipv4.tcp_window_scaling')),
    checkClockSource(facts.clockSource),
    checkKernelVersion(facts.kernelRelease),
  ];
}

/** 2 if an error-severity check failed, 1 if a warning failed, else 0 (unknown and info never fail). */
export {exitCodeFor} from '../checks/verdicts.js';

/** Fixed key order, so the JSON reads the same way as the table (the JSON is the stable contract). */
function ordered(c: CheckResult): CheckResult {
  const {check, current, required, severity, passed, reason, fix, source, remedy} = c;
  return remedy === undefined ? {check, current, required, severity, passed, reason, fix, source} : {check, current, required, severity, passed, reason, fix, source, remedy};
}

export function buildReport(facts: HostFacts, connections = DEFAULT_CONNECTIONS): OsCheckReport {
  const checks = evaluateChecks(facts, connections).map(ordered);
  return {
    dataDir: facts.dataDir.dataDir,
    dataDirExists: facts.dataDir.exists,
    ...(facts.dataDir.error ? {dataDirError: facts.dataDir.error} : {}),
    checkedPath: facts.checkedPath,
    partitions: facts.dataDir.partitions,
    segments: facts.dataDir.segments,
    segmentFiles: facts.dataDir.segmentFiles,
    connections,
    checks,
    summary: summarize(checks),
  };
}

/** Read the host and check it. */
export async function runOsCheck(options: OsCheckOptions): Promise<OsCheckReport> {
  const connections = options.connections ?? DEFAULT_CONNECTIONS;
  const facts = await readHostFacts({dataDir: options.dataDir, root: options.root, statfs: options.statfs});
  return buildReport(facts, connections);
}
