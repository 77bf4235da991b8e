/** Start a broker on a free port in a temp data dir; stop it and remove the dir afterwards. */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {startBroker, type Broker} from '../../../src/index.js';

export interface TestBroker {
  broker: Broker;
  dataDir: string;
  logLines: string[];
  /** Stop and start again on the same data dir: on a new free port, or with `samePort` on the one it had. */
  restart(options?: {samePort?: boolean}): Promise<Broker>;
  cleanup(): Promise<void>;
}

export async function startTestBroker(config: Record<string, string> = {}, dataDir?: string): Promise<TestBroker> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'kstream-broker-'));
  const logLines: string[] = [];
  const start = (port = 0) => startBroker({dataDir: dir, port, config, log: (line) => logLines.push(line)});
  const handle: TestBroker = {
    broker: await start(),
    dataDir: dir,
    logLines,
    async restart(options = {}) {
      const port = options.samePort ? handle.broker.port : 0;
      await handle.broker.stop();
      handle.broker = await start(port);
      return handle.broker;
    },
    async cleanup() {
      await handle.broker.stop();
      if (!dataDir) rmSync(dir, {recursive: true, force: true});
    },
  };
  return handle;
}
