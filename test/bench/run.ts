/**
 * `npm run bench`: every kstream benchmark in one run, printed as one table with the machine's
 * limit measured in the same run next to each figure. The broker always runs as its own process
 * (the compiled CLI, `node bin/run.js broker start`), so `npm run build` runs first.
 *
 *   npm run bench                          default run, a few minutes on 2 cores
 *   npm run bench -- --only produce,cli    only some scenarios (throughput, latency, scale, startup, cli)
 *   npm run bench -- --heavy               500 MB per produce case, 10 GiB start-up data, 30 s latency
 *   npm run bench -- --markdown FILE       also write the table as Markdown
 *   BENCH_PROFILE_DIR=DIR npm run bench -- --only throughput    V8 CPU profile of the broker + a summary
 * Sizes: BENCH_PRODUCE_MB, BENCH_CONSUMERS, BENCH_LATENCY_SECONDS, BENCH_PARTITIONS, BENCH_CONNECTIONS,
 * BENCH_GROUPS, BENCH_STARTUP_PARTITIONS, BENCH_STARTUP_MB, BENCH_CLI_RUNS; BENCH_NO_BUILD=1 skips the build;
 * BENCH_BROKER_SET="key=value ..." passes broker configs to every broker (e.g. log.flush.interval.messages);
 * BENCH_NODE_ARGS="--flag ..." passes Node/V8 flags to every broker process (e.g. --trace-gc).
 */
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {Report, loadAverage, machineDescription} from './lib/report.js';
import {settingsFromEnv, type BenchContext} from './lib/context.js';
import {ROOT} from './lib/broker-process.js';
import {run} from './lib/proc.js';
import {summarizeProfiles} from './lib/cpu-profile.js';
import {throughput} from './scenarios/throughput.js';
import {latency} from './scenarios/latency.js';
import {scale} from './scenarios/scale.js';
import {startup} from './scenarios/startup.js';
import {cliStart} from './scenarios/cli-start.js';

const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<void>> = {throughput, latency, scale, startup, cli: cliStart};

async function main(): Promise<number> {
  const {values} = parseArgs({options: {only: {type: 'string'}, heavy: {type: 'boolean', default: false}, markdown: {type: 'string'}}});
  const names = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}\n`);
    return 2;
  }
  if (!process.env.BENCH_NO_BUILD) {
    process.stderr.write('building (npm run build) so the broker runs compiled ...\n');
    const build = await run('npm', ['run', 'build'], {cwd: ROOT});
    if (build.code !== 0) process.stderr.write(`build reported type errors (output still emitted):\n${build.stdout.slice(-1000)}\n`);
  }
  const report = new Report();
  const ctx: BenchContext = {workDir: await mkdtemp(join(tmpdir(), 'kstream-bench-')), report, settings: settingsFromEnv(values.heavy ?? false)};
  const started = Date.now();
  const loadBefore = loadAverage();
  let failed = false;
  try {
    for (const name of names) {
      process.stderr.write(`${name} (load average ${loadAverage()}) ...\n`);
      try {
        await SCENARIOS[name]!(ctx);
      } catch (err) {
        failed = true;
        report.add({group: name, name: 'FAILED', result: (err as Error).message.split('\n')[0]!});
      }
    }
  } finally {
    await rm(ctx.workDir, {recursive: true, force: true});
  }
  const sets = (process.env.BENCH_BROKER_SET ? `\nBroker configs from BENCH_BROKER_SET: ${process.env.BENCH_BROKER_SET}` : '')
    + (process.env.BENCH_NODE_ARGS ? `\nBroker Node flags from BENCH_NODE_ARGS: ${process.env.BENCH_NODE_ARGS}` : '');
  const header = `Machine: ${machineDescription()}\nLoad average at start: ${loadBefore}; whole run ${((Date.now() - started) / 1000).toFixed(0)} s.${sets}`;
  const notes = report.notes.map((n) => `- ${n}`).join('\n');
  process.stdout.write(`\n${header}\n\n${report.text()}\n\n${notes}\n`);
  if (values.markdown) await writeFile(values.markdown, `${header}\n\n${report.markdown()}\n\n${notes}\n`);
  if (ctx.settings.profileDir) {
    // One summary per broker phase (throughput writes produce/, replay/ and fetch/), else one for the dir.
    const dir = ctx.settings.profileDir;
    const phases = (await readdir(dir, {withFileTypes: true})).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const target of phases.length > 0 ? phases.map((p) => join(dir, p)) : [dir]) {
      process.stdout.write(`\n== ${target}\n${await summarizeProfiles(target)}\n`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
