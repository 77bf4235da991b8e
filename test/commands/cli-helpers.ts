/**
 * Running the kstream CLI as a user would (a child process over bin/dev.js, the sources; or over
 * bin/run.js, the build an installed package runs) in tests.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {startBroker, Broker} from '../../src/index.js';

const ROOT = path.resolve(__dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CliScript = 'bin/dev.js' | 'bin/run.js';

export function runCli(args: string[], env: Record<string, string> = {}, input?: string, script: CliScript = 'bin/dev.js'): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(ROOT, script), ...args], {
      env: {...process.env, NO_COLOR: '1', ...env},
      timeout: 60_000,
    }, (err, stdout, stderr) => {
      resolve({code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr});
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** A broker on a free port with its own data dir, and a CLI bound to it and to a temp config dir. */
export async function brokerForCli(config: Record<string, string> = {}, script: CliScript = 'bin/dev.js'): Promise<{broker: Broker; cli: (args: string[], input?: string, moreEnv?: Record<string, string>) => Promise<CliResult>; close: () => Promise<void>}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-cli-'));
  const broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined, config});
  const env = {KSTREAM_BROKERS: `127.0.0.1:${broker.port}`, KSTREAM_CONFIG_DIR: path.join(dir, 'config')};
  return {
    broker,
    cli: (args, input, moreEnv = {}) => runCli(args, {...env, ...moreEnv}, input, script),
    close: async () => {
      await broker.stop();
      await rm(dir, {recursive: true, force: true});
    },
  };
}
