/**
 * File handles that hold a descriptor only while they are used (Kafka holds index files as mmaps,
 * which cost no descriptor, and keeps closed segments' logs behind a lazily opened channel).
 *
 * A PooledHandle opens its file on first use and joins its FileSystem's pool; when the pool holds
 * more open, idle, unpinned descriptors than its limit, the least recently used are closed and
 * reopened on their next use. A pinned handle (an active segment's log) stays open. Closing and
 * reopening loses nothing: writes are positional and fsync applies to the file, not the descriptor.
 */
import type {FileHandle, FileSystem} from './fs.js';

/** Open descriptors of unpinned handles kept per FileSystem (a bounded share of `ulimit -n`). */
export const DEFAULT_POOL_LIMIT = 256;

const pools = new WeakMap<FileSystem, HandlePool>();

/** The pool of `fs` (one per FileSystem instance, so a broker's logs share one budget). */
export function handlePoolOf(fs: FileSystem): HandlePool {
  let pool = pools.get(fs);
  if (!pool) {
    pool = new HandlePool(fs, DEFAULT_POOL_LIMIT);
    pools.set(fs, pool);
  }
  return pool;
}

export class HandlePool {
  /** Open unpinned handles, least recently used first (Map keeps insertion order). */
  private readonly lru = new Map<PooledHandle, true>();
  /** Descriptors of unpinned handles open or being opened; at most `limit` unless unpinned ones arrive. */
  private slots = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly fs: FileSystem, public limit: number) {}

  /** A handle on `file`; nothing is opened until it is used. */
  handle(file: string, options: {create?: boolean} = {}): PooledHandle {
    return new PooledHandle(this, file, options.create ?? false);
  }

  /** Open a handle now (so a missing file fails here), optionally pinned open. */
  async open(file: string, options: {create?: boolean; truncate?: boolean; pin?: boolean} = {}): Promise<PooledHandle> {
    const handle = this.handle(file, options);
    // Pinned before opening, so it never waits for (or takes) one of the pool's slots.
    if (options.pin) handle.pin();
    await handle.openNow(options.truncate ?? false);
    return handle;
  }

  /** Open descriptors held by unpinned handles of this pool. */
  get openCount(): number {
    return this.slots;
  }

  /** @internal Wait until another descriptor may be opened: a free slot, or one taken from an idle handle. */
  async acquireSlot(): Promise<void> {
    if (this.slots >= this.limit) this.evict(this.slots - this.limit + 1);
    if (this.slots < this.limit) {
      this.slots++;
      return;
    }
    // Every slot is in use by an operation in flight; each finishes without needing another.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** @internal A slot taken without waiting (a handle unpinned while open). */
  takeSlot(): void {
    this.slots++;
  }

  /** @internal */
  releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.slots--;
  }

  /** @internal */
  touch(handle: PooledHandle): void {
    this.lru.delete(handle);
    this.lru.set(handle, true);
    if (this.slots > this.limit) this.evict(this.slots - this.limit);
    // A slot freed while others wait is handed on at once by releaseSlot; idle handles free more.
    if (this.waiting.length > 0) this.evict(this.waiting.length);
  }

  /** @internal */
  forget(handle: PooledHandle): void {
    this.lru.delete(handle);
  }

  private evict(count: number): void {
    for (const candidate of this.lru.keys()) {
      if (count <= 0) return;
      if (candidate.evictIfIdle()) {
        this.lru.delete(candidate);
        count--;
      }
    }
  }
}

export class PooledHandle implements FileHandle {
  private fh: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  private closing: Promise<void> | undefined;
  private users = 0;
  private pinned = false;
  private holdsSlot = false;
  private closed = false;

  constructor(private readonly pool: HandlePool, private file: string, private readonly create: boolean) {}

  get path(): string {
    return this.file;
  }

  /** Whether a descriptor is open right now. */
  get isOpen(): boolean {
    return this.fh !== undefined;
  }

  /** Keep the descriptor open until unpinned (the active segment's log is written constantly). */
  pin(): void {
    if (this.pinned) return;
    this.pinned = true;
    this.pool.forget(this);
    if (this.holdsSlot && this.fh) {
      this.holdsSlot = false;
      this.pool.releaseSlot();
    }
  }

  /** Back to the pool: the descriptor may be closed when idle. */
  unpin(): void {
    if (!this.pinned) return;
    this.pinned = false;
    if (this.fh && !this.holdsSlot && !this.closed) {
      this.holdsSlot = true;
      this.pool.takeSlot();
      this.pool.touch(this);
    }
  }

  /** The file was renamed (e.g. to `.deleted`): reopen under the new name from now on. */
  renamed(to: string): void {
    this.file = to;
  }

  /** @internal */
  async openNow(truncate: boolean): Promise<void> {
    await this.use(async (fh) => {
      if (truncate) await fh.truncate(0);
    });
  }

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    return this.use((fh) => fh.read(buffer, offset, length, position));
  }

  write(data: Buffer, position: number): Promise<void> {
    return this.use((fh) => fh.write(data, position));
  }

  /** A synchronous read while the descriptor is open (FileHandle.readNow); undefined, nothing read, otherwise. */
  readNow(buffer: Buffer, offset: number, length: number, position: number): number | undefined {
    if (this.closed || this.closing || this.fh?.readNow === undefined) return undefined;
    this.users++;
    try {
      return this.fh.readNow(buffer, offset, length, position);
    } finally {
      this.users--;
      if (!this.pinned) this.pool.touch(this);
    }
  }

  /** Whether writeNow can write right now (the descriptor is open, not closing). */
  get canWriteNow(): boolean {
    return !this.closed && !this.closing && this.fh?.writeNow !== undefined;
  }

  /** The open descriptor, for a write like writeNow made on another thread; undefined when writeNow would refuse. */
  descriptorForWriteNow(length: number): number | undefined {
    return this.canWriteNow ? this.fh!.descriptorForWriteNow?.(length) : undefined;
  }

  /** A synchronous write while the descriptor is open and idle; false (nothing written) otherwise. */
  writeNow(data: Buffer, position: number): boolean {
    if (!this.canWriteNow) return false;
    this.users++;
    try {
      return this.fh!.writeNow!(data, position);
    } finally {
      this.users--;
      if (!this.pinned) this.pool.touch(this);
    }
  }

  sync(): Promise<void> {
    return this.use((fh) => fh.sync());
  }

  truncate(length: number): Promise<void> {
    return this.use((fh) => fh.truncate(length));
  }

  size(): Promise<number> {
    return this.use((fh) => fh.size());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pool.forget(this);
    if (this.opening) await this.opening.catch(() => undefined);
    await this.closing;
    const fh = this.fh;
    this.fh = undefined;
    try {
      await fh?.close();
    } finally {
      this.giveBackSlot();
    }
  }

  /** @internal Close the descriptor if nothing is using it; true when it was closed. */
  evictIfIdle(): boolean {
    if (this.users > 0 || this.pinned || !this.fh || this.opening) return false;
    const fh = this.fh;
    this.fh = undefined;
    // A close error on a descriptor nobody uses cannot lose data: writes already reached the file.
    this.closing = fh.close().catch(() => undefined).finally(() => {
      this.closing = undefined;
      this.giveBackSlot();
    });
    return true;
  }

  private giveBackSlot(): void {
    if (!this.holdsSlot) return;
    this.holdsSlot = false;
    this.pool.releaseSlot();
  }

  private async use<T>(op: (fh: FileHandle) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error(`${this.file} is closed`);
    this.users++;
    try {
      return await op(await this.descriptor());
    } finally {
      this.users--;
      if (this.fh && !this.pinned && !this.closed) this.pool.touch(this);
    }
  }

  private async descriptor(): Promise<FileHandle> {
    while (!this.fh) {
      if (this.closing) await this.closing;
      else await (this.opening ??= this.openDescriptor().finally(() => (this.opening = undefined)));
    }
    return this.fh;
  }

  private async openDescriptor(): Promise<FileHandle> {
    const needsSlot = !this.pinned;
    if (needsSlot) await this.pool.acquireSlot();
    try {
      this.fh = await this.pool.fs.open(this.file, {create: this.create});
    } catch (err) {
      if (needsSlot) this.pool.releaseSlot();
      throw err;
    }
    // Pinned while the open was in flight: the slot is not needed any more.
    if (needsSlot && this.pinned) this.pool.releaseSlot();
    else this.holdsSlot = needsSlot;
    return this.fh;
  }
}
