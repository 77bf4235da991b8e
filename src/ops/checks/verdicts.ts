/**
 * What `check os` and `check cluster` share: a verdict per check, the exit code they gate on
 * (0 all pass, 1 a warning failed, 2 an error failed; info and unknown never fail), the summary
 * counts and line, and the PASSED column.
 */
import chalk from 'chalk';

export type Severity = 'error' | 'warning' | 'info';
export type Passed = true | false | 'unknown';
export type ExitCode = 0 | 1 | 2;

export interface Verdict {
  severity: Severity;
  passed: Passed;
}

/** The fields every check result has, in `check os` and `check cluster` alike. */
export interface CheckVerdict extends Verdict {
  /** Stable name of the check, e.g. `vm.swappiness` or `replication-factor`. */
  check: string;
  /** What there is now (or `unknown`). */
  current: string;
  /** What Kafka needs, in words a person can compare. */
  required: string;
  /** Why this matters; for an unknown result, why the value could not be read. */
  reason: string;
  /** A command (or a shell comment when no single command applies) that fixes a failure. */
  fix: string;
  /** Where the rule and its threshold come from. */
  source: string;
}

export interface VerdictSummary {
  passed: number;
  failed: number;
  unknown: number;
  exitCode: ExitCode;
}

export function exitCodeFor(checks: Verdict[]): ExitCode {
  const failed = checks.filter((c) => c.passed === false);
  if (failed.some((c) => c.severity === 'error')) return 2;
  if (failed.some((c) => c.severity === 'warning')) return 1;
  return 0;
}

export function summarize(checks: Verdict[]): VerdictSummary {
  return {
    passed: checks.filter((c) => c.passed === true).length,
    failed: checks.filter((c) => c.passed === false).length,
    unknown: checks.filter((c) => c.passed === 'unknown').length,
    exitCode: exitCodeFor(checks),
  };
}

/** "22 checks: 13 passed, 9 failed (1 error, 6 warning, 2 info), 0 unknown; exit code 2" */
export function summaryLine(checks: Verdict[], summary: VerdictSummary): string {
  const failed = checks.filter((c) => c.passed === false);
  const bySeverity = (s: Severity) => failed.filter((c) => c.severity === s).length;
  return `${checks.length} checks: ${summary.passed} passed, ${failed.length} failed (${bySeverity('error')} error, ${bySeverity('warning')} warning, ${bySeverity('info')} info), ${summary.unknown} unknown; exit code ${summary.exitCode}`;
}

export function passedText(passed: Passed, colour: boolean): string {
  const text = passed === true ? 'yes' : passed === false ? 'no' : 'unknown';
  if (!colour) return text;
  return passed === true ? chalk.green(text) : passed === false ? chalk.red(text) : chalk.yellow(text);
}

/** The --explain block of one result: verdict, values, why, fix (when failing) and source. */
export function explainBlock(title: string, c: CheckVerdict, colour: boolean): string {
  return [
    `${colour ? chalk.bold(title) : title}: ${passedText(c.passed, colour)} (${c.severity})`,
    `  current:  ${c.current}`,
    `  required: ${c.required}`,
    `  why:      ${c.reason}`,
    ...(c.passed === true ? [] : [`  fix:      ${c.fix}`]),
    `  source:   ${c.source}`,
  ].join('\n');
}
