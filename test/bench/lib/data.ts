/** Pre-generated producer input: newline-separated records of a fixed size, as kcat -l reads them. */
import {createWriteStream} from 'node:fs';
import {once} from 'node:events';
import {randomBytes} from 'node:crypto';

export interface RecordFile {
  path: string;
  recordBytes: number;
  records: number;
  /** Payload bytes (records x recordBytes, newlines not counted: kcat strips them). */
  bytes: number;
}

/**
 * Writes `totalBytes` worth of `recordBytes`-byte records. The content is base64 of random bytes:
 * text-like, so lz4/zstd compress it somewhat (about 25%) without being trivially compressible.
 */
export async function writeRecordFile(path: string, recordBytes: number, totalBytes: number): Promise<RecordFile> {
  const records = Math.max(1, Math.floor(totalBytes / recordBytes));
  const out = createWriteStream(path);
  const perChunk = Math.max(1, Math.floor((1 << 20) / (recordBytes + 1)));
  for (let written = 0; written < records;) {
    const n = Math.min(perChunk, records - written);
    const text = randomBytes(Math.ceil((n * recordBytes * 3) / 4) + 3).toString('base64');
    const chunk = Buffer.alloc(n * (recordBytes + 1));
    for (let i = 0; i < n; i++) {
      chunk.write(text.slice(i * recordBytes, (i + 1) * recordBytes), i * (recordBytes + 1), 'latin1');
      chunk[i * (recordBytes + 1) + recordBytes] = 0x0a;
    }
    if (!out.write(chunk)) await once(out, 'drain');
    written += n;
  }
  out.end();
  await once(out, 'finish');
  return {path, recordBytes, records, bytes: records * recordBytes};
}
