/**
 * The consume loop: pull records from a source (group-less fetcher or group member), hand them to
 * the writer, stop after --count records, at the end of every partition (--exit), or when the
 * signal aborts (Ctrl-C); the source is always closed, which commits for a group.
 */
import {ClusterClient} from '../../client/cluster-client.js';
import {ConnectionOptions} from '../../client/connection.js';
import {UsageError} from '../../output/errors.js';
import {PartitionFetcher} from './fetcher.js';
import {GroupSource} from './group-source.js';
import {StartSpec} from './position.js';
import type {ConsumedRecord} from './record.js';
import type {RecordSource} from './source.js';

export interface ConsumeOptions {
  /** Only these partitions (group-less only). */
  partitions?: number[];
  from: StartSpec;
  /** Stop after this many records. */
  count?: number;
  /** Consume as a member of this group, committing offsets. */
  group?: string;
  /** Stop once every partition has been read to its end. */
  exitAtEnd: boolean;
}

export interface ConsumeResult {
  records: number;
  stoppedBy: 'count' | 'end' | 'signal';
}

export function checkGroupOptions(options: ConsumeOptions): void {
  if (options.group === undefined) return;
  if (options.partitions !== undefined) {
    throw new UsageError('-p/--partition cannot be used with --group: the group assigns the partitions', 'Drop --group to read chosen partitions without a group');
  }
  if (options.from.kind !== 'beginning' && options.from.kind !== 'end') {
    throw new UsageError('with --group, --from is only beginning or end (where to start when the group has no committed offset)',
      'Move the group with `kstream groups reset-offsets`, or drop --group to read from an offset or time');
  }
}

export async function openSource(conn: ConnectionOptions, topic: string, options: ConsumeOptions, signal?: AbortSignal): Promise<RecordSource> {
  checkGroupOptions(options);
  if (options.group !== undefined) return GroupSource.open(conn, topic, options.group, options.from.kind === 'beginning', signal);
  const cluster = await ClusterClient.connect(conn);
  try {
    return await PartitionFetcher.open(cluster, topic, options.partitions, options.from, signal);
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

export async function consume(conn: ConnectionOptions, topic: string, options: ConsumeOptions,
  write: (records: ConsumedRecord[]) => Promise<void>, signal?: AbortSignal): Promise<ConsumeResult> {
  const source = await openSource(conn, topic, options, signal);
  let records = 0;
  let stoppedBy: ConsumeResult['stoppedBy'] = 'signal';
  let failed = false;
  try {
    while (!signal?.aborted) {
      if (options.exitAtEnd && source.atEnd()) {
        stoppedBy = 'end';
        break;
      }
      const batch = await source.next();
      const take = options.count === undefined ? batch : batch.slice(0, options.count - records);
      if (take.length > 0) {
        await write(take);
        source.handled(take);
        records += take.length;
      }
      if (options.count !== undefined && records >= options.count) {
        stoppedBy = 'count';
        break;
      }
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A failure already being reported wins over a failed commit on the way out.
    if (failed) await source.close().catch(() => undefined);
    else await source.close();
  }
  return {records, stoppedBy};
}
