/**
 * Rendering of command results. Every command builds a plain typed view object; this module
 * prints it as a table for people or as JSON/YAML for scripts (the JSON is the stable contract).
 */
import Table from 'cli-table3';
import chalk from 'chalk';
import {stringify as toYaml} from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';
export const OUTPUT_FORMATS: OutputFormat[] = ['table', 'json', 'yaml'];

/** JSON replacer: bigint becomes a number when exact, else a string; Buffers become base64. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  return value;
}

export function toJson(view: unknown, pretty = true): string {
  return JSON.stringify(view, jsonSafe, pretty ? 2 : undefined);
}

export function toYamlText(view: unknown): string {
  return toYaml(JSON.parse(toJson(view, false)));
}

/** Render a view in the chosen format; `table` is used for the table format only. */
export function renderView<T>(view: T, format: OutputFormat, table: (view: T) => string): string {
  if (format === 'json') return toJson(view);
  if (format === 'yaml') return toYamlText(view).trimEnd();
  return table(view);
}

/** Whether colour should be used on this stream (NO_COLOR, FORCE_COLOR and TTY honoured). */
export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/**
 * A plain table: column headers in upper case like Kafka's tools; borderless so that the text
 * is easy to grep and cut; headers bold when colour is on.
 */
export function formatTable(headers: string[], rows: Array<Array<string | number | bigint | null | undefined>>): string {
  const colour = useColour();
  const table = new Table({
    head: headers.map((h) => (colour ? chalk.bold(h) : h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  });
  for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))));
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}
