/**
 * Transaction indexes (`<offset>.txnindex`, Kafka's TransactionIndex): 34-byte aborted-transaction
 * entries: version int16 | producerId int64 | firstOffset int64 | lastOffset int64 |
 * lastStableOffset int64. A partial trailing entry is ignored, as Kafka's iterator does.
 */
import {ChunkedFile} from './chunked-file.js';
import type {DumpSink} from './events.js';

const ENTRY_SIZE = 34;
const CURRENT_VERSION = 0;
const ENTRIES_PER_READ = 32 * 1024;

export async function dumpTxnIndex(file: string, sink: DumpSink): Promise<void> {
  const f = await ChunkedFile.open(file);
  try {
    const count = Math.floor(f.size / ENTRY_SIZE);
    for (let i = 0; i < count; i += ENTRIES_PER_READ) {
      const chunk = await f.read(i * ENTRY_SIZE, Math.min(ENTRIES_PER_READ, count - i) * ENTRY_SIZE);
      for (let p = 0; p + ENTRY_SIZE <= chunk.length; p += ENTRY_SIZE) {
        const version = chunk.readInt16BE(p);
        if (version > CURRENT_VERSION) {
          sink.emit({type: 'error', file, message: `Unexpected aborted transaction version ${version} in transaction index ${f.path}, current version is ${CURRENT_VERSION}`});
          return;
        }
        sink.emit({
          type: 'txn-index-entry',
          version,
          producerId: chunk.readBigInt64BE(p + 2),
          firstOffset: chunk.readBigInt64BE(p + 10),
          lastOffset: chunk.readBigInt64BE(p + 18),
          lastStableOffset: chunk.readBigInt64BE(p + 26),
        });
      }
      await sink.drain();
    }
  } finally {
    await f.close();
  }
}
