/**
 * Rendering of command results. Every command builds a plain typed view object; this module
 * prints it as a table for people or as JSON/YAML for scripts (the JSON is the stable contract).
 */
import {createRequire} from 'node:module';
import type {ChalkInstance} from 'chalk';

// yaml is loaded when a view is first rendered as YAML, cli-table3 for a table that is not plain
// ASCII: importing yaml costs ~25 ms of every command's start-up otherwise. (Both are CommonJS
// packages, so they can be required synchronously.)
const require = createRequire(import.meta.url);
const yaml = (): typeof import('yaml') => require('yaml');

// chalk is an ES module (it cannot be required synchronously on every Node 20) and takes ~15 ms
// to import, so it is imported only when output will be coloured: loadColour(), which
// BaseCommand.init awaits when stdout gets colour. Rendering stays synchronous; until chalk is
// loaded, text is left plain.
let chalk: ChalkInstance | undefined;

/** Imports chalk, for the bold table headers of coloured output. */
export async function loadColour(): Promise<void> {
  chalk ??= (await import('chalk')).default;
}

const bold = (text: string): string => (chalk ? chalk.bold(text) : text);

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
  return yaml().stringify(JSON.parse(toJson(view, false)));
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
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))));
  const colour = useColour();
  return isPlainTable(headers, cells) ? plainTable(headers, cells, colour) : cliTable(headers, cells, colour);
}

// Printable ASCII: one column per character, so the width of a text is its length.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function isPlainTable(headers: string[], cells: string[][]): boolean {
  return headers.every((h) => PRINTABLE_ASCII.test(h)) && cells.every((row) => row.length === headers.length && row.every((c) => PRINTABLE_ASCII.test(c)));
}

/**
 * The table as cli-table3 draws it with the options below, for the common case of printable ASCII
 * cells in full rows: each column as wide as its widest text (at least 1), cells left-aligned and
 * padded with spaces, two spaces between columns, trailing spaces cut. The same text without
 * loading cli-table3 and its general layout (10-25 ms of a command's start);
 * test/output/render.test.ts compares the two.
 */
export function plainTable(headers: string[], cells: string[][], colour: boolean): string {
  const widths = headers.map((h) => Math.max(1, h.length)); // cli-table3: at least one column
  for (const row of cells) for (let i = 0; i < row.length; i++) if (row[i].length > widths[i]) widths[i] = row[i].length;
  const line = (texts: string[], heading: boolean): string =>
    texts.map((t, i) => (heading ? bold(t) : t) + ' '.repeat(widths[i] - t.length)).join('  ').trimEnd();
  return [line(headers, colour), ...cells.map((row) => line(row, false))].join('\n');
}

/** Any table, through cli-table3 (loaded on first use; its string-width handles wide characters). */
export function cliTable(headers: string[], cells: string[][], colour: boolean): string {
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    head: headers.map((h) => (colour ? bold(h) : h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  });
  for (const row of cells) table.push(row);
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}
