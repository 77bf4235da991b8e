/**
 * Walks the batches of a log file the way Kafka's FileLogInputStream does, reading it in chunks:
 * each entry starts with offset (8), size (4) and magic (at byte 16). The walk stops quietly at an
 * incomplete tail (the bytes left over become Kafka's "Found N invalid bytes" line) and stops with
 * Kafka's error when a size is below the smallest legal record (a torn or foreign file).
 */
import type {ChunkedFile} from './chunked-file.js';

/** Bytes needed to read offset, size and magic. */
const HEADER_SIZE_UP_TO_MAGIC = 17;
const LOG_OVERHEAD = 12;
/** LegacyRecord.RECORD_OVERHEAD_V0: the smallest size any entry may declare. */
export const MIN_RECORD_OVERHEAD = 14;
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export interface ScannedBatch {
  /** Byte position of the batch in the file. */
  position: number;
  /** Whole entry size: 12 + the size field. */
  size: number;
  magic: number;
  /** Exactly the batch's bytes. */
  buf: Buffer;
}

export class BatchScanner {
  /** Set when the walk ended on a size below the legal minimum (Kafka's CorruptRecordException). */
  error: string | undefined;
  /** Bytes covered by complete batches. */
  validBytes = 0;

  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;

  /** `end` is exclusive: the file size or the --max-bytes slice. */
  constructor(
    private readonly file: ChunkedFile,
    private readonly start: number,
    private readonly end: number,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  async *batches(): AsyncGenerator<ScannedBatch> {
    let pos = this.start;
    for (;;) {
      if (pos >= this.end - HEADER_SIZE_UP_TO_MAGIC) return;
      await this.ensure(pos, HEADER_SIZE_UP_TO_MAGIC);
      const at = pos - this.chunkStart;
      const sizeField = this.chunk.readInt32BE(at + 8);
      if (sizeField < MIN_RECORD_OVERHEAD) {
        this.error = `Found record size ${sizeField} smaller than minimum record overhead (${MIN_RECORD_OVERHEAD}) in file ${this.file.path}.`;
        return;
      }
      if (pos > this.end - LOG_OVERHEAD - sizeField) return;
      const size = sizeField + LOG_OVERHEAD;
      await this.ensure(pos, size);
      const from = pos - this.chunkStart;
      yield {position: pos, size, magic: this.chunk.readInt8(from + 16), buf: this.chunk.subarray(from, from + size)};
      pos += size;
      this.validBytes = pos - this.start;
    }
  }

  /** Make [pos, pos+length) available in the current chunk, reading a new chunk if needed. */
  private async ensure(pos: number, length: number): Promise<void> {
    if (pos >= this.chunkStart && pos + length <= this.chunkStart + this.chunk.length) return;
    const want = Math.min(Math.max(this.chunkBytes, length), this.end - pos);
    this.chunk = await this.file.read(pos, want);
    this.chunkStart = pos;
  }
}
