/**
 * Pure helpers the dashboard's components use: sorting, filtering, paging, fitting columns to
 * the terminal width, and turning a group or partition into fixed-width cells. No React here.
 */
import {formatCatchUp, formatCount, formatRate, formatTimeLag} from '../ops/lag/format.js';
import {timeLagMs} from '../ops/lag/evaluate.js';
import type {GroupLag, PartitionLag} from '../ops/lag/types.js';

export type SortKey = 'lag' | 'time' | 'rate' | 'name';
export const SORT_LABELS: Record<SortKey, string> = {lag: 'lag', time: 'time lag', rate: 'consume rate', name: 'name'};

export function sortGroups(groups: GroupLag[], key: SortKey): GroupLag[] {
  const byName = (a: GroupLag, b: GroupLag) => a.group.localeCompare(b.group);
  const desc = (x: number, y: number) => (y > x ? 1 : y < x ? -1 : 0);
  const cmp: Record<SortKey, (a: GroupLag, b: GroupLag) => number> = {
    lag: (a, b) => (b.totalLag > a.totalLag ? 1 : b.totalLag < a.totalLag ? -1 : byName(a, b)),
    time: (a, b) => desc(timeLagMs(a.maxTimeLag), timeLagMs(b.maxTimeLag)) || byName(a, b),
    rate: (a, b) => desc(a.consumeRate ?? -1, b.consumeRate ?? -1) || byName(a, b),
    name: byName,
  };
  return [...groups].sort(cmp[key]);
}

export function filterGroups(groups: GroupLag[], filter: string): GroupLag[] {
  const f = filter.trim().toLowerCase();
  return f === '' ? groups : groups.filter((g) => g.group.toLowerCase().includes(f));
}

export interface Page {
  /** First row index shown. */
  start: number;
  /** Rows shown. */
  size: number;
  page: number;
  pages: number;
}

/** The page that holds `selected`, `size` rows per page. */
export function pageOf(total: number, selected: number, size: number): Page {
  const rows = Math.max(1, size);
  const pages = Math.max(1, Math.ceil(total / rows));
  const page = Math.min(pages - 1, Math.max(0, Math.floor(selected / rows)));
  return {start: page * rows, size: rows, page, pages};
}

export interface Column<T> {
  header: string;
  width: number;
  /** Lower numbers survive narrower terminals. */
  priority: number;
  align: 'left' | 'right';
  /** A column that takes the width left over (at least `width`). */
  flex?: boolean;
  cell: (row: T) => string;
}

/** Keep the columns that fit in `width` by priority, in their original order; flex columns share the rest. */
export function fitColumns<T>(columns: Array<Column<T>>, width: number): Array<Column<T>> {
  const gap = 1;
  const chosen = new Set<Column<T>>();
  let used = 0;
  for (const c of [...columns].sort((a, b) => a.priority - b.priority)) {
    const need = c.width + (chosen.size > 0 ? gap : 0);
    if (used + need > width) continue;
    chosen.add(c);
    used += need;
  }
  const kept = columns.filter((c) => chosen.has(c));
  const flex = kept.filter((c) => c.flex);
  const spare = Math.max(0, width - used);
  // Flex columns share the spare width; the first one also takes the remainder.
  const share = flex.length === 0 ? 0 : Math.floor(spare / flex.length);
  const remainder = spare - share * flex.length;
  return kept.map((c) => (c.flex ? {...c, width: c.width + share + (c === flex[0] ? remainder : 0)} : c));
}

export function fitCell(text: string, width: number, align: 'left' | 'right'): string {
  const t = text.length > width ? (width > 1 ? `${text.slice(0, width - 1)}…` : text.slice(0, width)) : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

export function renderRow<T>(columns: Array<Column<T>>, row: T): string {
  return columns.map((c) => fitCell(c.cell(row), c.width, c.align)).join(' ');
}

export function renderHeader<T>(columns: Array<Column<T>>): string {
  return columns.map((c) => fitCell(c.header, c.width, c.align)).join(' ');
}

const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of the last `width` values, scaled between their own minimum and maximum (a flat line sits at the bottom). */
export function sparkline(values: number[], width: number): string {
  const shown = values.slice(-width);
  const min = Math.min(...shown);
  const max = Math.max(...shown);
  return shown.map((v) => (max === min ? BARS[0] : BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))])).join('');
}

export function groupColumns(): Array<Column<GroupLag>> {
  return [
    {header: 'STATUS', width: 6, priority: 0, align: 'left', cell: (g) => g.status},
    {header: 'GROUP', width: 14, priority: 0, align: 'left', flex: true, cell: (g) => g.group},
    {header: 'STATE', width: 11, priority: 6, align: 'left', cell: (g) => g.state},
    {header: 'MEMBERS', width: 7, priority: 7, align: 'right', cell: (g) => String(g.members.length)},
    {header: 'PARTS', width: 5, priority: 8, align: 'right', cell: (g) => String(g.partitions.length)},
    {header: 'LAG', width: 8, priority: 1, align: 'right', cell: (g) => formatCount(g.totalLag)},
    {header: 'TIME-LAG', width: 8, priority: 2, align: 'right', cell: (g) => formatTimeLag(g.maxTimeLag)},
    {header: 'CONSUME', width: 8, priority: 3, align: 'right', cell: (g) => formatRate(g.consumeRate)},
    {header: 'PRODUCE', width: 8, priority: 5, align: 'right', cell: (g) => formatRate(g.produceRate)},
    {header: 'CATCH-UP', width: 8, priority: 4, align: 'right', cell: (g) => formatCatchUp(g.catchUp)},
    {header: 'TREND', width: 12, priority: 3, align: 'left', flex: true, cell: (g) => sparkline(g.trend, 30)},
  ];
}

export function partitionColumns(): Array<Column<PartitionLag>> {
  return [
    {header: 'STATUS', width: 6, priority: 0, align: 'left', cell: (p) => p.status},
    {header: 'TOPIC', width: 12, priority: 0, align: 'left', flex: true, cell: (p) => p.topic},
    {header: 'PART', width: 4, priority: 0, align: 'right', cell: (p) => String(p.partition)},
    {header: 'CURRENT', width: 10, priority: 5, align: 'right', cell: (p) => (p.committedOffset === null ? '-' : String(p.committedOffset))},
    {header: 'END', width: 10, priority: 6, align: 'right', cell: (p) => (p.logEndOffset === null ? '-' : String(p.logEndOffset))},
    {header: 'LAG', width: 8, priority: 1, align: 'right', cell: (p) => formatCount(p.lag)},
    {header: 'TIME-LAG', width: 8, priority: 2, align: 'right', cell: (p) => formatTimeLag(p.timeLag)},
    {header: 'CONSUME', width: 8, priority: 3, align: 'right', cell: (p) => formatRate(p.consumeRate)},
    {header: 'PRODUCE', width: 8, priority: 7, align: 'right', cell: (p) => formatRate(p.produceRate)},
    {header: 'CATCH-UP', width: 8, priority: 4, align: 'right', cell: (p) => formatCatchUp(p.catchUp)},
    {header: 'CONSUMER', width: 16, priority: 8, align: 'left', flex: true, cell: (p) => p.clientId ?? p.consumerId ?? '-'},
  ];
}
