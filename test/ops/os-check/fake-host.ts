/** Builds a fake `/` (proc and sys files) in a temp dir, so every verdict can be produced on any machine. */
import {promises as fs} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FakeHostSpec {
  sysctl?: Record<string, string | null>;
  meminfo?: string | null;
  limits?: {soft: string; hard: string} | null;
  mountinfo?: string | null;
  osrelease?: string | null;
  thp?: string | null;
  clock?: {current: string; available: string} | null;
  /** Block device 8:0 (sda) with partition 8:1 (sda1). */
  disk?: {scheduler: string; rotational: '0' | '1'} | null;
}

/** Values that pass every check. */
export const GOOD_SYSCTL: Record<string, string> = {
  'vm.swappiness': '1', 'vm.dirty_background_ratio': '5', 'vm.dirty_background_bytes': '0', 'vm.dirty_ratio': '60', 'vm.dirty_bytes': '0',
  'vm.max_map_count': '262144', 'net.core.wmem_default': '131072', 'net.core.rmem_default': '131072', 'net.core.wmem_max': '2097152',
  'net.core.rmem_max': '2097152', 'net.ipv4.tcp_max_syn_backlog': '4096', 'net.core.somaxconn': '4096', 'net.ipv4.tcp_window_scaling': '1',
};

export const GOOD_MEMINFO = 'MemTotal:       16384000 kB\nMemFree:         8000000 kB\nMemAvailable:   12000000 kB\nBuffers:           10000 kB\nCached:          4000000 kB\nHugePages_Total:       0\n';

export function limitsText(soft: string, hard: string): string {
  const row = (name: string, s: string, h: string, unit: string) => `${name.padEnd(26)}${s.padEnd(21)}${h.padEnd(21)}${unit}`;
  return [
    row('Limit', 'Soft Limit', 'Hard Limit', 'Units'),
    row('Max cpu time', 'unlimited', 'unlimited', 'seconds'),
    row('Max open files', soft, hard, 'files'),
    row('Max locked memory', '8388608', '8388608', 'bytes'),
  ].join('\n') + '\n';
}

/** A mountinfo with `/` on the given filesystem (device 8:1) plus the usual virtual mounts. */
export function mountinfoText(fsType = 'xfs', options = 'rw,noatime', superOptions = 'rw,attr2,inode64,largeio', device = '8:1', source = '/dev/sda1'): string {
  return [
    `1 0 ${device} / / ${options} shared:1 - ${fsType} ${source} ${superOptions}`,
    '22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
    '23 1 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw',
  ].join('\n') + '\n';
}

async function put(root: string, file: string, content: string | null | undefined): Promise<void> {
  if (content === null || content === undefined) return;
  const full = path.join(root, file);
  await fs.mkdir(path.dirname(full), {recursive: true});
  await fs.writeFile(full, content.endsWith('\n') ? content : `${content}\n`);
}

/** Create the tree; a `null` value leaves that file out (as in a container). Returns the root. */
export async function makeFakeHost(spec: FakeHostSpec = {}): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'kstream-fakehost-'));
  const sysctl = {...GOOD_SYSCTL, ...spec.sysctl};
  for (const [key, value] of Object.entries(sysctl)) await put(root, `proc/sys/${key.replaceAll('.', '/')}`, value);
  await put(root, 'proc/meminfo', spec.meminfo === undefined ? GOOD_MEMINFO : spec.meminfo);
  const limits = spec.limits === undefined ? {soft: '200000', hard: '200000'} : spec.limits;
  await put(root, 'proc/self/limits', limits && limitsText(limits.soft, limits.hard));
  await put(root, 'proc/self/mountinfo', spec.mountinfo === undefined ? mountinfoText() : spec.mountinfo);
  await put(root, 'proc/sys/kernel/osrelease', spec.osrelease === undefined ? '6.8.0-45-generic' : spec.osrelease);
  await put(root, 'sys/kernel/mm/transparent_hugepage/enabled', spec.thp === undefined ? 'always [madvise] never' : spec.thp);
  const clock = spec.clock === undefined ? {current: 'tsc', available: 'tsc hpet acpi_pm'} : spec.clock;
  if (clock) {
    await put(root, 'sys/devices/system/clocksource/clocksource0/current_clocksource', clock.current);
    await put(root, 'sys/devices/system/clocksource/clocksource0/available_clocksource', clock.available);
  }
  const disk = spec.disk === undefined ? {scheduler: '[none] mq-deadline kyber bfq', rotational: '0' as const} : spec.disk;
  if (disk) {
    // Like sysfs: /sys/dev/block/8:1 links to the partition, which sits inside its disk's directory.
    const diskDir = 'sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda';
    await put(root, `${diskDir}/queue/scheduler`, disk.scheduler);
    await put(root, `${diskDir}/queue/rotational`, disk.rotational);
    await put(root, `${diskDir}/sda1/partition`, '1');
    await fs.mkdir(path.join(root, 'sys/dev/block'), {recursive: true});
    await fs.symlink(`../../${diskDir.replace('sys/', '')}`, path.join(root, 'sys/dev/block/8:0'));
    await fs.symlink(`../../${diskDir.replace('sys/', '')}/sda1`, path.join(root, 'sys/dev/block/8:1'));
  }
  return root;
}

/** A data dir with `partitions` partition dirs of `segments` segments each (.log, .index, .timeindex). */
export async function makeDataDir(partitions: number, segments: number): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kstream-datadir-'));
  for (let p = 0; p < partitions; p++) {
    const pdir = path.join(dir, `orders-${p}`);
    await fs.mkdir(pdir);
    for (let s = 0; s < segments; s++) {
      const base = String(s * 1000).padStart(20, '0');
      for (const ext of ['log', 'index', 'timeindex']) await fs.writeFile(path.join(pdir, `${base}.${ext}`), '');
    }
    await fs.writeFile(path.join(pdir, 'partition.metadata'), 'version: 0\n');
  }
  // Not partitions: a deleted dir, a checkpoint file.
  await fs.mkdir(path.join(dir, 'orders-9.abc123-delete'));
  await fs.writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n0\n');
  return dir;
}

export async function removeAll(...dirs: string[]): Promise<void> {
  for (const dir of dirs) await fs.rm(dir, {recursive: true, force: true});
}
