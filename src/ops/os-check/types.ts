/**
 * The data shapes of `kstream check os`. Readings carry where they came from so that a value
 * that cannot be read (a container without /sys, a missing file) becomes "unknown" with the
 * reason, never a guessed pass or fail.
 */

export type {Passed, Severity} from '../checks/verdicts.js';
import type {CheckVerdict} from '../checks/verdicts.js';

/** One value read from the host: either the value, or why it could not be read. */
export type Reading<T> = {ok: true; value: T; path: string} | {ok: false; reason: string; path: string};

/** A structured description of the change that fixes a failed check (used by --fix-script). */
export type Remedy =
  | {kind: 'sysctl'; key: string; value: string}
  | {kind: 'nofile'; limit: 'soft' | 'hard'; value: number}
  | {kind: 'remount'; mountPoint: string; option: string}
  | {kind: 'sysfs'; path: string; value: string}
  | {kind: 'manual'; note: string};

export interface CheckResult extends CheckVerdict {
  remedy?: Remedy;
}

export interface MountEntry {
  mountPoint: string;
  /** major:minor of the device holding the filesystem. */
  device: string;
  fsType: string;
  /** The mount's source, e.g. `/dev/sda1`, `overlay`, `tmpfs`. */
  source: string;
  /** Per-mount options and superblock options, merged. */
  options: string[];
}

export interface FsStats {
  /** Bytes available to an unprivileged user (f_bavail * f_bsize). */
  availableBytes: number;
  totalBytes: number;
}

/** What the data directory holds, counted from disk. */
export interface DataDirScan {
  dataDir: string;
  exists: boolean;
  /** `<topic>-<partition>` directories. */
  partitions: number;
  /** `.log` files: one per segment. */
  segments: number;
  /** `.log` + `.index` + `.timeindex` + `.txnindex` files: each is an open descriptor in Kafka. */
  segmentFiles: number;
  /** `.index` + `.timeindex` files: each is one memory map in Kafka. */
  indexFiles: number;
  /** Set when the dir exists but could not be read (permissions): the counts are then incomplete. */
  error?: string;
}

/** Everything the checks look at, read once from the host. */
export interface HostFacts {
  sysctl: Record<string, Reading<string>>;
  meminfo: Reading<Record<string, number>>;
  limits: Reading<{soft: number; hard: number}>;
  thp: Reading<string>;
  clockSource: Reading<{current: string; available: string[]}>;
  kernelRelease: Reading<string>;
  /** The mount holding the data dir (or its nearest existing parent). */
  mount: Reading<MountEntry>;
  fsStats: Reading<FsStats>;
  scheduler: Reading<{device: string; current: string; available: string[]; rotational: boolean | null}>;
  dataDir: DataDirScan;
  /** The path the mount, free space and scheduler checks looked at. */
  checkedPath: string;
}
