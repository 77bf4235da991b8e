/** What the command layer calls: a report from a few samples, and the check that named groups exist. */
import type {ConnectionOptions} from '../../client/connection.js';
import {KstreamError} from '../../output/errors.js';
import {ClusterLagFetcher, LagFilter} from './fetch.js';
import {LagMonitor, sampleLag} from './monitor.js';
import type {Clock, LagReport} from './types.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Named groups that the cluster does not know (Dead, no members, no offsets). */
export function missingGroups(report: LagReport, named: string[]): string[] {
  const known = new Set(report.groups.filter((g) => !(g.state === 'Dead' && g.members.length === 0 && g.partitions.length === 0)).map((g) => g.group));
  return named.filter((g) => !known.has(g));
}

export async function lagSnapshot(conn: ConnectionOptions, filter: LagFilter, samples: number, intervalMs: number, clock: Clock): Promise<LagReport> {
  const monitor = new LagMonitor(new ClusterLagFetcher(conn, filter), clock);
  try {
    const report = await sampleLag(monitor, samples, intervalMs, sleep);
    const missing = missingGroups(report, filter.groups);
    if (missing.length > 0) {
      throw new KstreamError(`consumer group${missing.length > 1 ? 's' : ''} ${missing.map((g) => `"${g}"`).join(', ')} not found`, {hint: 'List groups with `kstream groups list`'});
    }
    return report;
  } finally {
    await monitor.close();
  }
}
