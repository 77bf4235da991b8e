/** Child processes for the benchmarks: run to completion with wall-clock timing, or keep running. */
import {spawn, type ChildProcess, type SpawnOptions} from 'node:child_process';
import {once} from 'node:events';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command; stdout is kept unless `stdoutTo` is given (an fd or 'ignore'), so big outputs do not pile up. */
export async function run(cmd: string, args: string[], options: SpawnOptions & {stdoutTo?: 'ignore'} = {}): Promise<RunResult> {
  const start = process.hrtime.bigint();
  const child = spawn(cmd, args, {...options, stdio: ['ignore', options.stdoutTo ?? 'pipe', 'pipe']});
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const [code] = (await once(child, 'close')) as [number | null];
  return {code, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6};
}

/** Like run() but a non-zero exit is an error carrying the command's stderr. */
export async function runOk(cmd: string, args: string[], options: SpawnOptions & {stdoutTo?: 'ignore'} = {}): Promise<RunResult> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

/** Resolves with the first stdout line matching `pattern` (and the time it took), rejects if the process exits first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<{match: RegExpMatchArray; ms: number}> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    let seen = '';
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`)), timeoutMs);
    const onData = (c: Buffer) => {
      seen += c.toString();
      const match = seen.match(pattern);
      if (match) finish(undefined, match);
    };
    const onErr = (c: Buffer) => { stderr += c.toString(); };
    const onExit = (code: number | null) => finish(new Error(`process exited (${code}) before printing ${pattern}; stderr: ${stderr.slice(-500)}`));
    function finish(err?: Error, match?: RegExpMatchArray) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve({match: match!, ms: Number(process.hrtime.bigint() - start) / 1e6});
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

/**
 * Runs a command through bash and returns, besides the result, the CPU seconds (user + system) the
 * command used, from bash's `times`: the load generator's own cost, to tell whether it or the broker
 * was the bottleneck.
 */
export async function runWithCpu(cmd: string, args: string[], options: SpawnOptions & {stdoutTo?: 'ignore'; abort?: AbortSignal} = {}): Promise<RunResult & {cpuSeconds: number}> {
  const script = `"$@" >${options.stdoutTo === 'ignore' ? '/dev/null' : '&3'}; s=$?; times >&2; exit $s`;
  const start = process.hrtime.bigint();
  const {abort, ...spawnOptions} = options;
  // With `abort`, bash leads its own process group so that aborting kills the command under it too.
  const child = spawn('bash', ['-c', script, 'bench', cmd, ...args], {...spawnOptions, detached: abort !== undefined, stdio: ['ignore', 'pipe', 'pipe', 'pipe']});
  const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
  if (abort?.aborted) kill();
  abort?.addEventListener('abort', kill, {once: true});
  let stdout = '';
  let stderr = '';
  child.stdio[3]?.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stdout?.resume();
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const [code] = (await once(child, 'close')) as [number | null];
  abort?.removeEventListener('abort', kill);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (abort?.aborted) throw new Error(`${cmd} ${args.join(' ')} aborted: ${abort.reason instanceof Error ? abort.reason.message : String(abort.reason)}`);
  // The last line of `times` is the children's "XmY.YYYs XmY.YYYs" (user, system).
  const lines = stderr.trimEnd().split('\n');
  const seconds = (lines.at(-1) ?? '').split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${lines.slice(-5, -2).join(' | ')}`);
  return {code, stdout, stderr: lines.slice(0, -2).join('\n'), ms, cpuSeconds: seconds.reduce((a, b) => a + b, 0)};
}
