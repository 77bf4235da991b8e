/**
 * Removal of segments a log dropped (retention, DeleteRecords, compaction swaps), as Kafka's
 * asyncDeleteSegment: the files are already renamed `.deleted`; after file.delete.delay.ms the
 * segment is closed (reads in flight finish first) and its files are removed.
 */
import {DELETED_SUFFIX} from './filenames.js';
import type {LogSegment} from './segment.js';

interface Pending {
  timer: NodeJS.Timeout | undefined;
  deleteFiles: boolean;
}

export class DelayedSegmentRemoval {
  /** Made at the first removal: most logs never drop a segment, and an empty Map is ~190 bytes per partition. */
  private pending: Map<LogSegment, Pending> | undefined;

  /** `deleteFiles` false: only close it (a swapped-out segment whose files were replaced). */
  schedule(segment: LogSegment, delayMs: number, deleteFiles = true): void {
    const timer = delayMs > 0 ? setTimeout(() => void this.remove(segment), Math.min(delayMs, 2 ** 31 - 1)) : undefined;
    timer?.unref();
    (this.pending ??= new Map()).set(segment, {timer, deleteFiles});
    if (!timer) void this.remove(segment);
  }

  /** Remove everything still waiting now (the log is closing). */
  async removeAll(): Promise<void> {
    for (const [segment, {timer}] of this.pending ?? []) {
      if (timer) clearTimeout(timer);
      await this.remove(segment);
    }
  }

  private async remove(segment: LogSegment): Promise<void> {
    const pending = this.pending?.get(segment);
    if (!pending) return;
    this.pending!.delete(segment);
    await segment.close().catch(() => {});
    if (pending.deleteFiles) await segment.deleteFiles(DELETED_SUFFIX).catch(() => {});
  }
}
