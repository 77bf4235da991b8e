/**
 * The one module that reads the host: /proc, /sys, the data dir's mount and its free space.
 * `root` points it at a fake tree (tests); every failure to read becomes a Reading with the
 * reason, so the checks can answer "unknown" instead of guessing.
 */
import {promises as fs} from 'node:fs';
import path from 'node:path';
import {nearestExisting, scanDataDir} from './data-dir.js';
import {findMountFor, parseBracketChoice, parseKernelVersion, parseMeminfo, parseMountinfo, parseOpenFileLimits} from './proc-parse.js';
import type {FsStats, HostFacts, MountEntry, Reading} from './types.js';

/** Every sysctl the checks look at, read from /proc/sys/<key with dots as slashes>. */
export const SYSCTL_KEYS = [
  'vm.swappiness', 'vm.dirty_background_ratio', 'vm.dirty_background_bytes', 'vm.dirty_ratio', 'vm.dirty_bytes',
  'vm.max_map_count', 'net.core.wmem_default', 'net.core.rmem_default', 'net.core.wmem_max', 'net.core.rmem_max',
  'net.ipv4.tcp_max_syn_backlog', 'net.core.somaxconn', 'net.ipv4.tcp_window_scaling',
] as const;

export interface HostReaderOptions {
  /** Directory standing for `/` (default `/`); tests point it at a fake tree. */
  root?: string;
  dataDir: string;
  /** Free-space lookup; defaults to fs.statfs on the real path. */
  statfs?: (target: string) => Promise<FsStats>;
}

export function sysctlPath(key: string): string {
  return `/proc/sys/${key.replaceAll('.', '/')}`;
}

function why(err: unknown, hostPath: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${hostPath} does not exist (not Linux, an old kernel, or hidden in a container)`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied reading ${hostPath}`;
  return `cannot read ${hostPath}: ${(err as Error).message}`;
}

async function defaultStatfs(target: string): Promise<FsStats> {
  const st = await fs.statfs(target);
  return {availableBytes: st.bavail * st.bsize, totalBytes: st.blocks * st.bsize};
}

export class HostReader {
  private readonly root: string;

  constructor(root = '/') {
    this.root = path.resolve(root);
  }

  private real(hostPath: string): string {
    return path.join(this.root, hostPath);
  }

  /** Read a file as trimmed text; `hostPath` is the path as seen on the host (e.g. /proc/meminfo). */
  async text(hostPath: string): Promise<Reading<string>> {
    try {
      const value = (await fs.readFile(this.real(hostPath), 'utf8')).trim();
      return {ok: true, value, path: hostPath};
    } catch (err) {
      return {ok: false, reason: why(err, hostPath), path: hostPath};
    }
  }

  /** Read and parse; a parse failure is a Reading with the reason too. */
  async parsed<T>(hostPath: string, parse: (text: string) => T | undefined): Promise<Reading<T>> {
    const raw = await this.text(hostPath);
    if (!raw.ok) return raw;
    const value = parse(raw.value);
    if (value === undefined) return {ok: false, reason: `unexpected content in ${hostPath}: ${JSON.stringify(raw.value.slice(0, 80))}`, path: hostPath};
    return {ok: true, value, path: hostPath};
  }

  async sysctls(): Promise<Record<string, Reading<string>>> {
    const out: Record<string, Reading<string>> = {};
    for (const key of SYSCTL_KEYS) out[key] = await this.text(sysctlPath(key));
    return out;
  }

  async thp(): Promise<Reading<string>> {
    const main = await this.parsed('/sys/kernel/mm/transparent_hugepage/enabled', parseBracketChoice);
    if (main.ok) return {ok: true, value: main.value.current, path: main.path};
    // Some RHEL 6 kernels used their own directory name.
    const redhat = await this.parsed('/sys/kernel/mm/redhat_transparent_hugepage/enabled', parseBracketChoice);
    if (redhat.ok) return {ok: true, value: redhat.value.current, path: redhat.path};
    return {ok: false, reason: main.reason, path: main.path};
  }

  async clockSource(): Promise<HostFacts['clockSource']> {
    const dir = '/sys/devices/system/clocksource/clocksource0';
    const current = await this.text(`${dir}/current_clocksource`);
    if (!current.ok) return current;
    const available = await this.text(`${dir}/available_clocksource`);
    return {ok: true, value: {current: current.value, available: available.ok ? available.value.split(/\s+/) : []}, path: current.path};
  }

  async mountOf(target: string): Promise<Reading<MountEntry>> {
    const mounts = await this.parsed('/proc/self/mountinfo', (t) => parseMountinfo(t));
    if (!mounts.ok) return mounts;
    const mount = findMountFor(mounts.value, target);
    if (!mount) return {ok: false, reason: `no mount in /proc/self/mountinfo holds ${target}`, path: mounts.path};
    return {ok: true, value: mount, path: mounts.path};
  }

  /** The I/O scheduler of the block device behind a mount (its parent disk for a partition). */
  async scheduler(mount: Reading<MountEntry>): Promise<HostFacts['scheduler']> {
    if (!mount.ok) return mount;
    const {device, fsType, source} = mount.value;
    const devPath = `/sys/dev/block/${device}`;
    if (device.startsWith('0:')) {
      return {ok: false, reason: `${mount.value.mountPoint} is ${fsType} (${source}), not on a block device (a container or a virtual filesystem)`, path: devPath};
    }
    let dir: string;
    try {
      dir = await fs.realpath(this.real(devPath));
    } catch (err) {
      return {ok: false, reason: why(err, devPath), path: devPath};
    }
    // A partition has no queue/ of its own; its disk is the parent directory in sysfs.
    for (const candidate of [dir, path.dirname(dir)]) {
      const hostDir = path.join('/', path.relative(this.root, candidate));
      const sched = await this.parsed(`${hostDir}/queue/scheduler`, parseBracketChoice);
      if (!sched.ok) continue;
      const rot = await this.text(`${hostDir}/queue/rotational`);
      const rotational = rot.ok ? rot.value === '1' : null;
      return {ok: true, value: {device: path.basename(candidate), ...sched.value, rotational}, path: sched.path};
    }
    return {ok: false, reason: `no queue/scheduler for block device ${device} under ${devPath}`, path: devPath};
  }
}

/** Read everything the checks need, once. */
export async function readHostFacts(options: HostReaderOptions): Promise<HostFacts> {
  const reader = new HostReader(options.root);
  const dataDir = await scanDataDir(options.dataDir);
  const checkedPath = await nearestExisting(options.dataDir);
  const mount = await reader.mountOf(checkedPath);
  const statfs = options.statfs ?? defaultStatfs;
  let fsStats: Reading<FsStats>;
  try {
    fsStats = {ok: true, value: await statfs(checkedPath), path: checkedPath};
  } catch (err) {
    fsStats = {ok: false, reason: why(err, checkedPath), path: checkedPath};
  }
  return {
    sysctl: await reader.sysctls(),
    meminfo: await reader.parsed('/proc/meminfo', (t) => {
      const m = parseMeminfo(t);
      return m.MemTotal === undefined ? undefined : m;
    }),
    limits: await reader.parsed('/proc/self/limits', parseOpenFileLimits),
    thp: await reader.thp(),
    clockSource: await reader.clockSource(),
    kernelRelease: await reader.parsed('/proc/sys/kernel/osrelease', (t) => (parseKernelVersion(t) ? t : undefined)),
    mount,
    fsStats,
    scheduler: await reader.scheduler(mount),
    dataDir,
    checkedPath,
  };
}
