/**
 * The plain-text form of a lag report: a summary line per group, then one row per partition
 * with kafka-consumer-groups' columns plus time lag, rates, time to catch up and status.
 */
import {formatTable} from '../../output/render.js';
import {formatCatchUp, formatDuration, formatRate, formatTimeLag} from './format.js';
import type {LagReport} from './types.js';

export function lagSummaryTable(report: LagReport): string {
  return formatTable(
    ['GROUP', 'STATE', 'MEMBERS', 'STATUS', 'LAG', 'TIME-LAG', 'CONSUME', 'PRODUCE', 'CATCH-UP'],
    report.groups.map((g) => [g.group, g.state, g.members.length, g.status, g.totalLag, formatTimeLag(g.maxTimeLag), formatRate(g.consumeRate), formatRate(g.produceRate), formatCatchUp(g.catchUp)]),
  );
}

export function lagPartitionsTable(report: LagReport): string {
  return formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'TIME-LAG', 'CONSUME', 'PRODUCE', 'CATCH-UP', 'STATUS', 'CONSUMER-ID'],
    report.groups.flatMap((g) => g.partitions.map((p) => [
      p.group, p.topic, p.partition, p.committedOffset, p.logEndOffset, p.lag, formatTimeLag(p.timeLag),
      formatRate(p.consumeRate), formatRate(p.produceRate), formatCatchUp(p.catchUp), p.status, p.consumerId,
    ])),
  );
}

export function lagTable(report: LagReport): string {
  if (report.groups.length === 0) return 'No consumer groups with committed offsets or members.';
  const over = report.samples < 2 ? 'one sample: no rates; statuses from this sample only' : `${report.samples} samples over ${formatDuration(report.windowMs)}`;
  return `${lagSummaryTable(report)}\n\n${lagPartitionsTable(report)}\n\n(${over}; ~ = estimated time lag)`;
}
