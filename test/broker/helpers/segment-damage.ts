/** Damage done to segment files on disk, as a failing disk or a stray write would leave them. */
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {LOG_OVERHEAD} from '../../../src/records/batch-header.js';
import {startTestBroker, type TestBroker} from './broker.js';
import {WireClient} from './wire-client.js';

/** Write `length` into the length field of the `batch`-th batch (from 0) of the segment file `file`. */
export function damageBatchLength(file: string, batch: number, length: number): void {
  const bytes = readFileSync(file);
  let pos = 0;
  for (let i = 0; i < batch; i++) pos += bytes.readInt32BE(pos + 8) + LOG_OVERHEAD;
  bytes.writeInt32BE(length, pos + 8);
  writeFileSync(file, bytes);
}

/** A broker started on a data dir damaged by a previous one, a client connected to it, and how to remove both (and the dir). */
export async function startOnDamagedDir(dataDir: string): Promise<{tb: TestBroker; client: WireClient; close: () => Promise<void>}> {
  const tb = await startTestBroker({}, dataDir);
  const client = await WireClient.connect(tb.broker.port);
  return {tb, client, close: async () => {
    client.close();
    await tb.cleanup();
    rmSync(tb.dataDir, {recursive: true, force: true});
  }};
}
