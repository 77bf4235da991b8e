/** Short human forms of lag values, shared by the table and the dashboard. */
import type {CatchUp, TimeLag} from './types.js';

/** 850ms, 12.3s, 4m05s, 2h10m, 3d04h. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Measured values are plain; estimates carry a `~`; the absence of data says so. */
export function formatTimeLag(t: TimeLag): string {
  switch (t.kind) {
    case 'no-data': return 'no data';
    case 'caught-up': return '0s';
    case 'measured': return formatDuration(t.lagMs);
    case 'estimated': return `~${formatDuration(t.lagMs)}`;
  }
}

export function formatRate(perSec: number | null): string {
  if (perSec === null) return '-';
  if (perSec >= 10_000) return `${(perSec / 1000).toFixed(0)}k/s`;
  if (perSec >= 100) return `${perSec.toFixed(0)}/s`;
  return `${perSec.toFixed(1)}/s`;
}

export function formatCatchUp(c: CatchUp): string {
  switch (c.kind) {
    case 'no-data': return '-';
    case 'caught-up': return 'now';
    case 'never': return 'never';
    case 'eta': return formatDuration(c.ms);
  }
}

/** 1234567 -> 1.2M; exact below 100k so that small lags read as records. */
export function formatCount(n: bigint | number | null): string {
  if (n === null) return '-';
  const v = Number(n);
  if (v < 100_000) return String(n);
  if (v < 100_000_000) return `${(v / 1e6).toFixed(1)}M`;
  return `${(v / 1e9).toFixed(1)}G`;
}
