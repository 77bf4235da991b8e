/** What every scenario gets: a scratch directory, the report, and the settings from the environment. */
import type {Report} from './report.js';

export interface BenchSettings {
  /** Payload MB per produce case (BENCH_PRODUCE_MB). */
  produceMB: number;
  /** Concurrent consumers in the fetch cases (BENCH_CONSUMERS). */
  consumers: number;
  /** Seconds of open-loop load in the latency case (BENCH_LATENCY_SECONDS). */
  latencySeconds: number;
  /** Partitions in the scale case (BENCH_PARTITIONS). */
  partitions: number;
  /** Idle connections in the scale case (BENCH_CONNECTIONS). */
  connections: number;
  /** Consumer groups in the scale case (BENCH_GROUPS). */
  groups: number;
  /** Partitions and MB of data in the start-up case (BENCH_STARTUP_PARTITIONS, BENCH_STARTUP_MB). */
  startupPartitions: number;
  startupMB: number;
  /** Repetitions of each CLI cold start (BENCH_CLI_RUNS). */
  cliRuns: number;
  /** Write V8 CPU profiles of every broker process into this dir (BENCH_PROFILE_DIR); use with --only. */
  profileDir?: string;
}

export interface BenchContext {
  workDir: string;
  report: Report;
  settings: BenchSettings;
}

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
};

export function settingsFromEnv(heavy: boolean): BenchSettings {
  return {
    produceMB: num('BENCH_PRODUCE_MB', heavy ? 500 : 40),
    consumers: num('BENCH_CONSUMERS', 4),
    latencySeconds: num('BENCH_LATENCY_SECONDS', heavy ? 30 : 5),
    partitions: num('BENCH_PARTITIONS', 10_000),
    connections: num('BENCH_CONNECTIONS', 1000),
    groups: num('BENCH_GROUPS', 100),
    startupPartitions: num('BENCH_STARTUP_PARTITIONS', 1000),
    startupMB: num('BENCH_STARTUP_MB', heavy ? 10_240 : 50),
    cliRuns: num('BENCH_CLI_RUNS', 5),
    profileDir: process.env.BENCH_PROFILE_DIR || undefined,
  };
}
