/**
 * Pure parsers for the text formats of /proc and /sys (proc(5), sysfs). Kept apart from the
 * file reading so tests feed them strings directly.
 */
import type {MountEntry} from './types.js';

/** Undo the octal escapes the kernel writes into mountinfo paths (`\040` for a space). */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * /proc/self/mountinfo: `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`.
 * Lines that do not follow the format are skipped rather than guessed at.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    const superOptions = fields[dash + 3] ? fields[dash + 3].split(',') : [];
    mounts.push({
      device: fields[2],
      mountPoint: unescapeMountPath(fields[4]),
      options: [...new Set([...fields[5].split(','), ...superOptions])],
      fsType: fields[dash + 1],
      source: unescapeMountPath(fields[dash + 2]),
    });
  }
  return mounts;
}

/** The mount that holds `target`: the longest mount point that is a prefix; a later (stacked) mount wins a tie. */
export function findMountFor(mounts: MountEntry[], target: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const mount of mounts) {
    const mp = mount.mountPoint;
    const inside = mp === '/' || target === mp || target.startsWith(mp.endsWith('/') ? mp : `${mp}/`);
    if (inside && (!best || mp.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

function parseLimitValue(text: string): number | undefined {
  if (text === 'unlimited') return Number.POSITIVE_INFINITY;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** /proc/self/limits: the soft and hard `Max open files` of this process. */
export function parseOpenFileLimits(text: string): {soft: number; hard: number} | undefined {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  if (!line) return undefined;
  const [soft, hard] = line.slice('Max open files'.length).trim().split(/\s+/).map(parseLimitValue);
  return soft === undefined || hard === undefined ? undefined : {soft, hard};
}

/** /proc/meminfo in bytes (`MemTotal: 24684096 kB` -> MemTotal: 25276514304). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?\s*$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]) * (line.includes('kB') ? 1024 : 1);
  }
  return out;
}

/** sysfs choice files (`none [mq-deadline] kyber`): the bracketed current choice and all choices. */
export function parseBracketChoice(text: string): {current: string; available: string[]} | undefined {
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
  const chosen = words.find((w) => w.startsWith('[') && w.endsWith(']'));
  const available = words.map((w) => w.replace(/^\[|\]$/g, ''));
  if (chosen) return {current: chosen.slice(1, -1), available};
  // A device with a single scheduler prints it without brackets.
  return words.length === 1 ? {current: available[0], available} : undefined;
}

/** `6.8.0-45-generic` -> [6, 8, 0]; undefined when the release does not start with a version. */
export function parseKernelVersion(release: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}
