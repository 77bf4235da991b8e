/**
 * Positional reads of a file through one fs handle, never the whole file in memory: dumps of
 * multi-GiB segments keep a flat footprint (one chunk plus the batch being decoded).
 */
import {open, type FileHandle} from 'node:fs/promises';

export class ChunkedFile {
  private constructor(private readonly handle: FileHandle, readonly path: string, readonly size: number) {}

  static async open(path: string): Promise<ChunkedFile> {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), {code: 'EISDIR'});
      return new ChunkedFile(handle, path, stat.size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Up to `length` bytes from `position` (fewer only at the end of the file). */
  async read(position: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - position));
    const buf = Buffer.allocUnsafe(wanted);
    let done = 0;
    while (done < wanted) {
      const {bytesRead} = await this.handle.read(buf, done, wanted - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === wanted ? buf : buf.subarray(0, done);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
