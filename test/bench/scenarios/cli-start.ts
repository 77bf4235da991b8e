/**
 * CLI cold start: the compiled CLI (`node bin/run.js`) for --version and `topics list` against
 * `kcat -L` doing the same job (list the cluster's topics); the limit is a bare `node -e 0`.
 * Median of BENCH_CLI_RUNS runs each, after one unmeasured run (disk cache). With
 * NODE_EXTRA_CA_CERTS set, Node reads and parses that certificate file at every start (~40 ms for
 * a distribution's whole CA bundle), so the note also gives `node -e 0` without it.
 */
import {join} from 'node:path';
import {BrokerProcess, ROOT} from '../lib/broker-process.js';
import {connect, createTopic} from '../lib/admin.js';
import {runOk} from '../lib/proc.js';
import {fmtMs, median, pctOf} from '../lib/stats.js';
import type {BenchContext} from '../lib/context.js';

async function medianMs(runs: number, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  await runOk(cmd, args, {cwd: ROOT, env});
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await runOk(cmd, args, {cwd: ROOT, env})).ms);
  return median(times);
}

export async function cliStart(ctx: BenchContext): Promise<void> {
  const {report, settings, workDir} = ctx;
  const broker = await BrokerProcess.start({dataDir: join(workDir, 'cli-data'), cpuProfDir: settings.profileDir});
  try {
    const admin = await connect(broker.address);
    for (let i = 0; i < 10; i++) await createTopic(admin, `cli-topic-${i}`, 3);
    admin.close();
    const bin = join(ROOT, 'bin', 'run.js');
    const node = await medianMs(settings.cliRuns, process.execPath, ['-e', '0']);
    const kcat = await medianMs(settings.cliRuns, process.env.BENCH_KCAT ?? 'kcat', ['-L', '-b', broker.address]);
    const version = await medianMs(settings.cliRuns, process.execPath, [bin, '--version']);
    const list = await medianMs(settings.cliRuns, process.execPath, [bin, 'topics', 'list', '-b', broker.address]);
    report.note(`CLI: median of ${settings.cliRuns} runs; the limit column is a bare \`node -e 0\` (${fmtMs(node)}), kcat -L (${fmtMs(kcat)}) lists the same 10 topics.`);
    if (process.env.NODE_EXTRA_CA_CERTS) {
      const {NODE_EXTRA_CA_CERTS: caFile, ...withoutCa} = process.env;
      const bare = await medianMs(settings.cliRuns, process.execPath, ['-e', '0'], withoutCa);
      report.note(`CLI: NODE_EXTRA_CA_CERTS=${caFile} is set here, and every Node start reads it: \`node -e 0\` takes ${fmtMs(bare)} without it.`);
    }
    report.add({group: 'cli', name: 'kstream --version', result: fmtMs(version), limit: `node -e 0: ${fmtMs(node)}`,
      ofLimit: pctOf(node, version), target: '< 300 ms', met: version < 300});
    report.add({group: 'cli', name: 'kstream topics list (10 topics)', result: fmtMs(list), limit: `kcat -L: ${fmtMs(kcat)}`,
      ofLimit: pctOf(kcat, list), target: '< 300 ms', met: list < 300});
  } finally {
    await broker.stop();
  }
}
