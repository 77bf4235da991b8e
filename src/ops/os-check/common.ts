/** Small helpers shared by the checks: unknown results, number readings, byte formatting. */
import type {CheckResult, Reading} from './types.js';

/** The fields every check fills in before deciding its verdict. */
export type CheckBase = Pick<CheckResult, 'check' | 'required' | 'severity' | 'fix' | 'source'> & Partial<Pick<CheckResult, 'remedy'>>;

/** The honest answer when a value could not be read. */
export function unknown(base: CheckBase, reason: string): CheckResult {
  const {remedy: _ignored, ...rest} = base;
  return {...rest, current: 'unknown', passed: 'unknown', reason};
}

/** The value is known but the requirement is not (e.g. the data dir could not be counted). */
export function unknownNeed(base: CheckBase, current: string, reason: string): CheckResult {
  const {remedy: _ignored, ...rest} = base;
  return {...rest, current, passed: 'unknown', reason};
}

/** A Reading<string> of a sysctl as an integer (first field only: some sysctls hold several). */
export function asInt(reading: Reading<string> | undefined): Reading<number> {
  if (!reading) return {ok: false, reason: 'not read', path: ''};
  if (!reading.ok) return reading;
  const first = reading.value.split(/\s+/)[0];
  if (!/^-?\d+$/.test(first)) return {ok: false, reason: `${reading.path} holds ${JSON.stringify(reading.value)}, not a number`, path: reading.path};
  return {ok: true, value: Number(first), path: reading.path};
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 131072 -> "128 KiB"; 2.5 GiB keeps one decimal. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unlimited';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${UNITS[unit]}`;
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? String(n) : 'unlimited';
}
