/**
 * The broker under test, run as its own process (`node bin/run.js broker start`, the compiled CLI)
 * so that the load generators never share its event loop or its CPU time accounting.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {WARM_UP_DIR_PREFIX} from '../../../src/broker/path-warm-up.js';
import {waitForLine} from './proc.js';

/** How long the broker's path warm-up may take to make its directory, and then to finish, before the bench goes on regardless. */
const WARM_UP_APPEARS_MS = 5_000;
const WARM_UP_ENDS_MS = 60_000;

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface BrokerOptions {
  dataDir: string;
  /** Kafka broker configs passed as --set key=value. */
  set?: Record<string, string | number>;
  /** Directory for a V8 CPU profile of the broker (`node --cpu-prof`), written when it stops. */
  cpuProfDir?: string;
  startTimeoutMs?: number;
  /** --advertise HOST:PORT: the address Metadata tells clients to use (e.g. a recording proxy's). */
  advertise?: string;
}

export class BrokerProcess {
  private readonly logLines: string[] = [];

  private constructor(private readonly child: ChildProcess, readonly address: string, readonly startMs: number) {
    // Keep the broker's last log lines (it logs one line per failed request) for failure reports.
    const keep = (chunk: Buffer) => {
      this.logLines.push(...chunk.toString().split('\n').filter(Boolean));
      if (this.logLines.length > 50) this.logLines.splice(0, this.logLines.length - 50);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  /** The broker's last log lines, newest last. */
  recentLog(n = 5): string[] {
    return this.logLines.slice(-n);
  }

  static async start(options: BrokerOptions): Promise<BrokerProcess> {
    // BENCH_NODE_ARGS="--flag ..." adds Node/V8 flags to every broker process (--trace-gc, heap sizes), to compare them.
    const nodeArgs = [...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
      ...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
    // BENCH_BROKER_SET="k=v k2=v2" adds broker configs to every broker of the run, to compare settings.
    const extra = (process.env.BENCH_BROKER_SET ?? '').split(/\s+/).filter(Boolean);
    const sets = [...Object.entries(options.set ?? {}).map(([k, v]) => `${k}=${v}`), ...extra].flatMap((kv) => ['--set', kv]);
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'run.js'), 'broker', 'start',
      '--data-dir', options.dataDir, '--listen', '127.0.0.1:0', ...(options.advertise ? ['--advertise', options.advertise] : []), ...sets], {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']});
    // Keep draining the pipes so a chatty broker never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
    try {
      const {match, ms} = await waitForLine(child, /listening on (\S+:\d+)/, options.startTimeoutMs ?? 120_000);
      const broker = new BrokerProcess(child, match[1]!.replace(/,$/, ''), ms);
      // Measured from a quiet broker: not while it warms its paths up in the background.
      await broker.warmedUp();
      return broker;
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  /**
   * Resolves once the broker's path warm-up (src/broker/path-warm-up.ts) has removed its temporary
   * directory, named after the broker's process id; or when none appeared within a few seconds.
   */
  async warmedUp(): Promise<void> {
    const prefix = `${WARM_UP_DIR_PREFIX}${this.pid}-`;
    const present = () => readdirSync(tmpdir()).some((name) => name.startsWith(prefix));
    const start = performance.now();
    while (!present()) {
      if (performance.now() - start > WARM_UP_APPEARS_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    while (present() && performance.now() - start < WARM_UP_ENDS_MS) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident set size in MiB, from /proc. */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  }

  /** File descriptors the broker holds open now. */
  openFds(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** The broker's soft limit on open files (ulimit -n), from /proc/PID/limits. */
  fdLimit(): number {
    const limits = readFileSync(`/proc/${this.pid}/limits`, 'utf8');
    return Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? Number.POSITIVE_INFINITY);
  }

  /** CPU seconds (user + system) the broker has used so far, from /proc/PID/stat. */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** SIGTERM (clean shutdown: flush, checkpoints) and wait; resolves with the time it took. */
  async stop(): Promise<number> {
    const start = process.hrtime.bigint();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exited;
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  }

  /** kill -9: no flush, no checkpoints, no clean-shutdown marker. */
  async kill9(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}
