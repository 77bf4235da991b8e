/**
 * Where the broker keeps its data by default (XDG data dir), and the lock that stops two
 * brokers from sharing one data dir. The lock file is Kafka's `.lock`; kstream writes its pid
 * into it, so a lock left by a killed broker (dead pid) is taken over instead of blocking.
 */
import {promises as fsp} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {KstreamError} from '../output/errors.js';

export const LOCK_FILE = '.lock';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
    ? env.XDG_DATA_HOME
    : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'kstream', 'data');
}

export interface DataDirLock {
  release(): Promise<void>;
}

/** Data dirs locked by brokers of this process (the pid check cannot tell them apart). */
const lockedHere = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const resolved = path.resolve(dataDir);
  if (lockedHere.has(resolved)) {
    throw new KstreamError(`data dir ${dataDir} is in use by another broker in this process`);
  }
  const file = path.join(dataDir, LOCK_FILE);
  let holder: number | undefined;
  try {
    holder = Number((await fsp.readFile(file, 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (holder && Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new KstreamError(`data dir ${dataDir} is in use by another broker (pid ${holder})`,
      {hint: 'Stop that broker or choose another --data-dir'});
  }
  await fsp.writeFile(file, `${process.pid}\n`);
  lockedHere.add(resolved);
  return {
    release: async () => {
      lockedHere.delete(resolved);
      // Empty, like the lock file Kafka leaves behind.
      await fsp.writeFile(file, '').catch(() => undefined);
    },
  };
}

/** Whether process `pid` is running (EPERM: running, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
