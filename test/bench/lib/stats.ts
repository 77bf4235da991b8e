/** Small numeric helpers for benchmark results. */

/** The q-quantile (0..1) of `values` by the nearest-rank method; NaN for no values. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]): number => quantile(values, 0.5);

export function fmtNumber(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: digits});
}

export const fmtMs = (ms: number): string => (ms < 10 ? `${fmtNumber(ms, 2)} ms` : `${fmtNumber(ms, 0)} ms`);

export const mbPerSec = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

/** "83%" of the limit, or '-' when there is no limit to compare with. */
export const pctOf = (value: number, limit: number): string => (limit > 0 && Number.isFinite(value) ? `${Math.round((value / limit) * 100)}%` : '-');
