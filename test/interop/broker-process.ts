/** `kstream broker start` as a child process (bin/dev.js), for tests that SIGKILL it. */
import {type ChildProcess, spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BrokerChild {
  child: ChildProcess;
  /** The port from its `listening on HOST:PORT` line. */
  port: number;
  /** SIGKILL it and wait until it is gone. */
  kill(): Promise<void>;
}

/**
 * Start it on a free port with `dataDir` and extra flags; resolves once it listens. Without the
 * path warm-up: killed during it, the broker would leave its directory in the system's temporary
 * directory (until another broker's warm-up removes it).
 */
export async function startBrokerChild(dataDir: string, extraArgs: string[] = []): Promise<BrokerChild> {
  const child = spawn(process.execPath, [path.join(repo, 'bin/dev.js'), 'broker', 'start', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--no-warm-up', ...extraArgs],
    {cwd: repo, env: {...process.env, NO_COLOR: '1'}});
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on \S+:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', () => reject(new Error('broker exited before listening')));
    });
    return {child, port, kill};
  } catch (err) {
    await kill();
    throw err;
  }
}
