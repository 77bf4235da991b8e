/**
 * The people-facing renderings of a ClusterCheckReport: the table and the --explain view. By
 * default they list what did not pass (on a cluster of hundreds of topics the passes would bury
 * the findings); `all` lists every result. JSON and YAML always carry every result.
 */
import {explainBlock, passedText, summaryLine} from '../checks/verdicts.js';
import {formatTable, useColour} from '../../output/render.js';
import type {ClusterCheckReport} from './index.js';
import type {ClusterCheckResult} from './types.js';

export interface ClusterTableOptions {
  /** List passing results too. */
  all: boolean;
}


function subjectText(c: ClusterCheckResult): string {
  return c.subjectType === 'cluster' ? 'cluster' : `${c.subjectType} ${c.subject}`;
}

export function clusterSummaryLine(report: ClusterCheckReport): string {
  return summaryLine(report.checks, report.summary);
}

function header(report: ClusterCheckReport): string {
  const n = report.brokers.length;
  const brokers = report.brokers.map((b) => `${b.nodeId} at ${b.host}:${b.port}`).join(', ');
  const lines = [`cluster ${report.clusterId ?? '(no id)'}: ${n} broker${n === 1 ? '' : 's'} (${brokers}), controller ${report.controllerId}, ${report.topics} topics, ${report.partitions} partitions`];
  if (report.unreadableTopics.length > 0) {
    lines.push(`warning: not linted, Metadata refused ${report.unreadableTopics.map((t) => `${t.name} (${t.reason})`).join(', ')}`);
  }
  return lines.join('\n');
}

function shown(report: ClusterCheckReport, options: ClusterTableOptions): ClusterCheckResult[] {
  return options.all ? report.checks : report.checks.filter((c) => c.passed !== true);
}

/** SUBJECT CHECK CURRENT REQUIRED SEVERITY PASSED, then a summary line. */
export function clusterCheckTable(report: ClusterCheckReport, options: ClusterTableOptions): string {
  const colour = useColour();
  const rows = shown(report, options);
  const body = rows.length === 0
    ? 'Every check passed.'
    : formatTable(['SUBJECT', 'CHECK', 'CURRENT', 'REQUIRED', 'SEVERITY', 'PASSED'], rows.map((c) => [subjectText(c), c.check, c.current, c.required, c.severity, passedText(c.passed, colour)]));
  const hidden = report.checks.length - rows.length;
  const note = hidden > 0 ? [`(${hidden} passing checks not shown; --all lists them)`] : [];
  return [header(report), '', body, '', ...note, clusterSummaryLine(report)].join('\n');
}

/** The table followed by each shown result's reason, fix and source. */
export function clusterCheckExplain(report: ClusterCheckReport, options: ClusterTableOptions): string {
  const colour = useColour();
  const blocks = shown(report, options).map((c) => explainBlock(`${subjectText(c)}: ${c.check}`, c, colour));
  return [clusterCheckTable(report, options), '', ...blocks.flatMap((b) => [b, ''])].join('\n').trimEnd();
}
