/**
 * All storage I/O goes through FileSystem so tests can inject disk faults (like kfake's Fs).
 * Writes are positional and unbuffered: once write() resolves the bytes are in the OS page cache
 * and survive kill -9 of the process; sync() is what makes them survive a machine crash.
 */
import {constants, ftruncateSync, readSync, writeSync} from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import {Limiter} from './limiter.js';

/**
 * Operations holding a descriptor of their own (atomic writes, directory fsyncs, whole-file reads)
 * share this bound, process-wide, so thousands of partitions checkpointing at once queue here
 * instead of failing with EMFILE.
 */
export const transientFileOps = new Limiter(64);

/**
 * Writes up to this size are made synchronously on the event loop; larger ones (a producer's big
 * batches) go through libuv's thread pool, so copying megabytes never holds up other requests.
 */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;
/** Reads up to this size may be made synchronously (readNow); larger ones go through the thread pool. */
const SYNC_READ_MAX_BYTES = 64 * 1024;

/** A small file's text, or null when it does not exist (any other failure throws). */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export interface FileHandle {
  readonly path: string;
  /** Read up to `length` bytes at `position` into `buffer[offset..]`; returns bytes read. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Write all of `data` at `position`. */
  write(data: Buffer, position: number): Promise<void>;
  /**
   * Append `data` at `position` (the end of the file) synchronously if this handle can (small
   * writes of a real file); returns false, having written nothing, when the caller must use
   * write() instead. A failed write cuts the file back to `position` before throwing.
   */
  writeNow?(data: Buffer, position: number): boolean;
  /**
   * Read like read() but synchronously, if this handle can (small reads of a real file); returns
   * undefined, having read nothing, when the caller must use read() instead.
   */
  readNow?(buffer: Buffer, offset: number, length: number, position: number): number | undefined;
  /** The descriptor for a writeNow of `length` bytes made on another thread (write-thread.ts); undefined when writeNow would refuse it. */
  descriptorForWriteNow?(length: number): number | undefined;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

export interface FileSystem {
  /** Open read-write; `create` makes the file when missing. */
  open(file: string, options?: {create?: boolean}): Promise<FileHandle>;
  readFile(file: string): Promise<Buffer>;
  /** Write to `<file>.tmp`, fsync, rename over `file`, fsync the directory (Kafka's CheckpointFile). */
  writeFileAtomic(file: string, data: Buffer): Promise<void>;
  /** writeFileAtomic for several files of one directory, sharing one directory fsync at the end. */
  writeFilesAtomic(files: Array<{file: string; data: Buffer}>): Promise<void>;
  exists(file: string): Promise<boolean>;
  stat(file: string): Promise<{size: number; mtimeMs: number}>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<DirEntry[]>;
  rmrf(target: string): Promise<void>;
  syncDir(dir: string): Promise<void>;
}

class NodeFileHandle implements FileHandle {
  constructor(readonly path: string, private readonly fh: fsp.FileHandle) {}

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    let total = 0;
    while (total < length) {
      const {bytesRead} = await this.fh.read(buffer, offset + total, length - total, position + total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return total;
  }

  async write(data: Buffer, position: number): Promise<void> {
    if (this.writeNow(data, position)) return;
    let written = 0;
    while (written < data.length) {
      const {bytesWritten} = await this.fh.write(data, written, data.length - written, position + written);
      written += bytesWritten;
    }
  }

  descriptorForWriteNow(length: number): number | undefined {
    return length > SYNC_WRITE_MAX_BYTES ? undefined : this.fh.fd;
  }

  readNow(buffer: Buffer, offset: number, length: number, position: number): number | undefined {
    if (length > SYNC_READ_MAX_BYTES) return undefined;
    // From the page cache in ~3-4 µs, where a read through the thread pool costs ~20-40 µs of CPU
    // on this project's VM: a Fetch of 10,000 partitions makes one or two reads per partition.
    let total = 0;
    while (total < length) {
      const n = readSync(this.fh.fd, buffer, offset + total, length - total, position + total);
      if (n === 0) break;
      total += n;
    }
    return total;
  }

  writeNow(data: Buffer, position: number): boolean {
    if (data.length > SYNC_WRITE_MAX_BYTES) return false;
    // Into the page cache in microseconds, cheaper than the thread pool's round trip: a Produce
    // to 5,000 partitions appended in ~100-190 ms this way against ~250-340 ms through the pool.
    let written = 0;
    try {
      while (written < data.length) written += writeSync(this.fh.fd, data, written, data.length - written, position + written);
    } catch (err) {
      // An append: leave no partial batch behind (the next append writes at the same position).
      if (written > 0) ftruncateSync(this.fh.fd, position);
      throw err;
    }
    return true;
  }

  sync(): Promise<void> {
    return this.fh.sync();
  }

  truncate(length: number): Promise<void> {
    return this.fh.truncate(length);
  }

  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

export class NodeFileSystem implements FileSystem {
  async open(file: string, options: {create?: boolean} = {}): Promise<FileHandle> {
    const flags = constants.O_RDWR | (options.create ? constants.O_CREAT : 0);
    return new NodeFileHandle(file, await fsp.open(file, flags, 0o644));
  }

  readFile(file: string): Promise<Buffer> {
    return transientFileOps.run(() => fsp.readFile(file));
  }

  writeFileAtomic(file: string, data: Buffer): Promise<void> {
    return this.writeFilesAtomic([{file, data}]);
  }

  writeFilesAtomic(files: Array<{file: string; data: Buffer}>): Promise<void> {
    const dirs = new Set(files.map((f) => path.dirname(f.file)));
    if (dirs.size !== 1) throw new Error(`writeFilesAtomic needs files of one directory, got ${[...dirs].join(', ')}`);
    return transientFileOps.run(async () => {
      for (const {file, data} of files) {
        const fh = await fsp.open(`${file}.tmp`, 'w', 0o644);
        try {
          await fh.writeFile(data);
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      for (const {file} of files) await fsp.rename(`${file}.tmp`, file);
      await syncDirectory([...dirs][0]);
    });
  }

  async exists(file: string): Promise<boolean> {
    try {
      await fsp.access(file);
      return true;
    } catch {
      return false;
    }
  }

  async stat(file: string): Promise<{size: number; mtimeMs: number}> {
    const st = await fsp.stat(file);
    return {size: st.size, mtimeMs: st.mtimeMs};
  }

  rename(from: string, to: string): Promise<void> {
    return fsp.rename(from, to);
  }

  unlink(file: string): Promise<void> {
    return fsp.unlink(file);
  }

  async mkdir(dir: string): Promise<void> {
    await fsp.mkdir(dir, {recursive: true});
  }

  async readdir(dir: string): Promise<DirEntry[]> {
    const entries = await fsp.readdir(dir, {withFileTypes: true});
    return entries.map((e) => ({name: e.name, isDirectory: e.isDirectory()}));
  }

  rmrf(target: string): Promise<void> {
    return fsp.rm(target, {recursive: true, force: true});
  }

  syncDir(dir: string): Promise<void> {
    return transientFileOps.run(() => syncDirectory(dir));
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Directory fsync makes renames and new files durable; not all platforms allow it.
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw err;
  } finally {
    await fh?.close();
  }
}

/**
 * Wraps a FileSystem for tests: fail the next write or fsync (optionally after writing part of
 * the bytes, like a full disk), and count bytes read per file to prove index lookups are used.
 */
export class FaultyFileSystem implements FileSystem {
  syncCount = 0;
  /** Every file fsynced, in order (checkpoint files by their final name). */
  readonly syncedFiles: string[] = [];
  /** Every fsync started (recorded before it runs or waits at a paused gate). */
  readonly syncAttempts: string[] = [];
  readonly bytesRead = new Map<string, number>();
  private writeFault: {error: Error; partialBytes: number; match?: (file: string) => boolean} | undefined;
  private syncFault: {error: Error; times: number; match?: (file: string) => boolean} | undefined;
  private syncGate: Promise<void> | undefined;

  constructor(readonly inner: FileSystem = new NodeFileSystem()) {}

  failNextWrite(options: {error?: Error; partialBytes?: number; match?: (file: string) => boolean} = {}): void {
    this.writeFault = {error: options.error ?? ioError('EIO', 'injected write failure'), partialBytes: options.partialBytes ?? 0, match: options.match};
  }

  /** Fail the next `times` (default 1) fsyncs of files matching `match`. */
  failNextSync(options: {error?: Error; times?: number; match?: (file: string) => boolean} = {}): void {
    this.syncFault = {error: options.error ?? ioError('EIO', 'injected fsync failure'), times: options.times ?? 1, match: options.match};
  }

  /** Hold every fsync until the returned function is called (to observe group commit). */
  pauseSyncs(): () => void {
    let release!: () => void;
    this.syncGate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.syncGate = undefined;
      release();
    };
  }

  /** @internal */
  waitForSyncGate(): Promise<void> | undefined {
    return this.syncGate;
  }

  resetReadCounters(): void {
    this.bytesRead.clear();
  }

  totalBytesRead(filter: (file: string) => boolean = () => true): number {
    let total = 0;
    for (const [file, n] of this.bytesRead) if (filter(file)) total += n;
    return total;
  }

  /** @internal used by the wrapped handles */
  takeWriteFault(file: string): {error: Error; partialBytes: number} | undefined {
    const fault = this.writeFault;
    if (!fault || (fault.match && !fault.match(file))) return undefined;
    this.writeFault = undefined;
    return fault;
  }

  /** @internal */
  takeSyncFault(file: string): Error | undefined {
    const fault = this.syncFault;
    if (!fault || (fault.match && !fault.match(file))) return undefined;
    if (--fault.times <= 0) this.syncFault = undefined;
    return fault.error;
  }

  /** @internal */
  countRead(file: string, n: number): void {
    this.bytesRead.set(file, (this.bytesRead.get(file) ?? 0) + n);
  }

  async open(file: string, options?: {create?: boolean}): Promise<FileHandle> {
    return new FaultyFileHandle(this, await this.inner.open(file, options));
  }

  async readFile(file: string): Promise<Buffer> {
    const data = await this.inner.readFile(file);
    this.countRead(file, data.length);
    return data;
  }

  async writeFileAtomic(file: string, data: Buffer): Promise<void> {
    return this.writeFilesAtomic([{file, data}]);
  }

  async writeFilesAtomic(files: Array<{file: string; data: Buffer}>): Promise<void> {
    for (const {file} of files) {
      const writeFault = this.takeWriteFault(file);
      if (writeFault) throw writeFault.error;
      const syncFault = this.takeSyncFault(file);
      if (syncFault) throw syncFault;
    }
    for (const {file} of files) {
      this.syncCount++;
      this.syncedFiles.push(file);
    }
    return this.inner.writeFilesAtomic(files);
  }

  exists(file: string): Promise<boolean> {
    return this.inner.exists(file);
  }
  stat(file: string): Promise<{size: number; mtimeMs: number}> {
    return this.inner.stat(file);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  unlink(file: string): Promise<void> {
    return this.inner.unlink(file);
  }
  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
  readdir(dir: string): Promise<DirEntry[]> {
    return this.inner.readdir(dir);
  }
  rmrf(target: string): Promise<void> {
    return this.inner.rmrf(target);
  }
  async syncDir(dir: string): Promise<void> {
    const fault = this.takeSyncFault(dir);
    if (fault) throw fault;
    return this.inner.syncDir(dir);
  }
}

class FaultyFileHandle implements FileHandle {
  readonly path: string;

  constructor(private readonly owner: FaultyFileSystem, private readonly inner: FileHandle) {
    this.path = inner.path;
  }

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    const n = await this.inner.read(buffer, offset, length, position);
    this.owner.countRead(this.path, n);
    return n;
  }

  readNow(buffer: Buffer, offset: number, length: number, position: number): number | undefined {
    const n = this.inner.readNow?.(buffer, offset, length, position);
    if (n !== undefined) this.owner.countRead(this.path, n);
    return n;
  }

  async write(data: Buffer, position: number): Promise<void> {
    const fault = this.owner.takeWriteFault(this.path);
    if (fault) {
      if (fault.partialBytes > 0) await this.inner.write(data.subarray(0, Math.min(fault.partialBytes, data.length)), position);
      throw fault.error;
    }
    return this.inner.write(data, position);
  }

  async sync(): Promise<void> {
    this.owner.syncAttempts.push(this.path);
    await this.owner.waitForSyncGate();
    const fault = this.owner.takeSyncFault(this.path);
    if (fault) throw fault;
    this.owner.syncCount++;
    this.owner.syncedFiles.push(this.path);
    return this.inner.sync();
  }

  truncate(length: number): Promise<void> {
    return this.inner.truncate(length);
  }
  size(): Promise<number> {
    return this.inner.size();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function ioError(code: string, message: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${message}`);
  err.code = code;
  return err;
}
