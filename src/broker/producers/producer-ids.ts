/**
 * Producer ids for InitProducerId, never handed out twice, also across restarts (Kafka's
 * ProducerIdManager): ids are taken from blocks of PRODUCER_ID_BLOCK_SIZE, and a block is recorded
 * in `<data dir>/producer-id-block` (written atomically) before any id of it is used. A restart
 * starts at the block after the recorded one, so at most one block's unused ids are skipped.
 * The file holds what ZooKeeper-mode Kafka keeps in /latest_producer_id_block:
 *   {"version":1,"broker":1,"block_start":"0","block_end":"999"}
 */
import * as path from 'node:path';
import type {FileSystem} from '../../storage/fs.js';
import type {LogManager} from '../../storage/log-manager.js';
import {Mutex} from '../../storage/mutex.js';

export const PRODUCER_ID_BLOCK_FILE = 'producer-id-block';
/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

export class ProducerIdManager {
  private next = 0n;
  /** Exclusive end of the block in use; next === end means a new block must be recorded first. */
  private end = 0n;
  private loaded = false;
  private readonly lock = new Mutex();

  constructor(private readonly fs: FileSystem, private readonly dataDir: string, private readonly brokerId: number) {}

  get file(): string {
    return path.join(this.dataDir, PRODUCER_ID_BLOCK_FILE);
  }

  /** A producer id no one has had. */
  generate(): Promise<bigint> {
    // Without waiting when the block in use has ids left.
    if (this.loaded && this.next < this.end) return Promise.resolve(this.next++);
    return this.lock.run(async () => {
      if (!this.loaded) {
        const last = await this.readLastBlockEnd();
        this.next = this.end = last + 1n;
        this.loaded = true;
      }
      if (this.next >= this.end) {
        const start = this.end;
        const blockEnd = start + PRODUCER_ID_BLOCK_SIZE - 1n;
        const json = JSON.stringify({version: 1, broker: this.brokerId, block_start: String(start), block_end: String(blockEnd)});
        await this.fs.writeFileAtomic(this.file, Buffer.from(json));
        [this.next, this.end] = [start, blockEnd + 1n];
      }
      return this.next++;
    });
  }

  /** block_end of the recorded block; -1 when there is none. */
  private async readLastBlockEnd(): Promise<bigint> {
    if (!(await this.fs.exists(this.file))) return -1n;
    const text = (await this.fs.readFile(this.file)).toString('utf8');
    let end: unknown;
    try {
      end = (JSON.parse(text) as {block_end?: unknown}).block_end;
    } catch {
      end = undefined;
    }
    if (typeof end !== 'string' || !/^\d+$/.test(end)) {
      throw new Error(`${this.file} is not a producer id block record (${JSON.stringify(text.slice(0, 80))}); move it away only if no idempotent producer wrote to this data dir`);
    }
    return BigInt(end);
  }
}

/** One manager per data directory (its log manager), made on the first InitProducerId. */
const managers = new WeakMap<LogManager, ProducerIdManager>();

export function producerIdsOf(logs: LogManager, brokerId: number): ProducerIdManager {
  let m = managers.get(logs);
  if (!m) managers.set(logs, (m = new ProducerIdManager(logs.fs, logs.dataDir, brokerId)));
  return m;
}
