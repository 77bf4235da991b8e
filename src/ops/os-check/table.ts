/** The people-facing renderings of an OsCheckReport: the table, and the --explain view. */
import {explainBlock, passedText, summaryLine} from '../checks/verdicts.js';
import {formatTable, useColour} from '../../output/render.js';
import type {OsCheckReport} from './index.js';


export function osSummaryLine(report: OsCheckReport): string {
  return summaryLine(report.checks, report.summary);
}

function header(report: OsCheckReport): string {
  const counted = report.dataDirExists
    ? `${report.partitions} partitions, ${report.segments} segments`
    : `does not exist yet; filesystem checks looked at ${report.checkedPath}`;
  const error = report.dataDirError ? `\nwarning: ${report.dataDirError}; memory-map and open-file needs are unknown` : '';
  return `data dir: ${report.dataDir} (${counted})${error}`;
}

/** CHECK CURRENT REQUIRED SEVERITY PASSED, then a summary line. */
export function osCheckTable(report: OsCheckReport): string {
  const colour = useColour();
  const rows = report.checks.map((c) => [c.check, c.current, c.required, c.severity, passedText(c.passed, colour)]);
  return [header(report), '', formatTable(['CHECK', 'CURRENT', 'REQUIRED', 'SEVERITY', 'PASSED'], rows), '', osSummaryLine(report)].join('\n');
}

/** The table followed by each check's reason, fix and source. */
export function osCheckExplain(report: OsCheckReport): string {
  const colour = useColour();
  const blocks = report.checks.map((c) => explainBlock(c.check, c, colour));
  return [osCheckTable(report), '', ...blocks.flatMap((b) => [b, ''])].join('\n').trimEnd();
}
