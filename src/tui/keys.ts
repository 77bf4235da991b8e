/**
 * The dashboard's keys as a pure reducer over its UI state. Keys are applied to the latest
 * state held in a ref (not to the state of the last render), so that keys typed faster than
 * the screen redraws are not lost.
 */
import type {SortKey} from './view-model.js';

export interface UiState {
  sort: SortKey;
  /** Selected group id (stable across refreshes and re-sorts). */
  selected: string | null;
  filter: string;
  editingFilter: boolean;
  /** Group shown in detail, null for the list. */
  detail: string | null;
  detailTop: number;
}

export const INITIAL_UI: UiState = {sort: 'lag', selected: null, filter: '', editingFilter: false, detail: null, detailTop: 0};

/** The subset of Ink's Key the dashboard reads. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export interface KeyContext {
  /** Group ids in display order (sorted and filtered). */
  groups: string[];
  /** Rows per page. */
  pageRows: number;
}

export type KeyAction = 'quit' | 'toggle-pause' | null;

const SORT_KEYS: Record<string, SortKey> = {l: 'lag', t: 'time', r: 'rate', n: 'name'};

export function selectedIndex(ui: UiState, groups: string[]): number {
  const i = ui.selected === null ? -1 : groups.indexOf(ui.selected);
  return i >= 0 ? i : 0;
}

export function reduceKey(ui: UiState, input: string, key: KeyInfo, ctx: KeyContext): {ui: UiState; action: KeyAction} {
  const same = {ui, action: null};
  if (ui.editingFilter) {
    if (key.return) return {ui: {...ui, editingFilter: false}, action: null};
    if (key.escape) return {ui: {...ui, filter: '', editingFilter: false}, action: null};
    if (key.backspace || key.delete) return {ui: {...ui, filter: ui.filter.slice(0, -1)}, action: null};
    if (input && !key.ctrl && !key.meta) return {ui: {...ui, filter: ui.filter + input}, action: null};
    return same;
  }
  if (input === 'q') return {ui, action: 'quit'};
  if (input === ' ') return {ui, action: 'toggle-pause'};
  if (ui.detail !== null) {
    const step = key.pageDown ? ctx.pageRows : key.pageUp ? -ctx.pageRows : key.downArrow || input === 'j' ? 1 : key.upArrow || input === 'k' ? -1 : 0;
    if (step !== 0) return {ui: {...ui, detailTop: Math.max(0, ui.detailTop + step)}, action: null};
    if (key.escape || key.backspace || key.delete || key.leftArrow) return {ui: {...ui, detail: null}, action: null};
    return same;
  }
  if (SORT_KEYS[input]) return {ui: {...ui, sort: SORT_KEYS[input]}, action: null};
  if (input === '/') return {ui: {...ui, editingFilter: true}, action: null};
  if (key.escape) return {ui: {...ui, filter: ''}, action: null};
  const current = selectedIndex(ui, ctx.groups);
  if (key.return) return ctx.groups.length === 0 ? same : {ui: {...ui, detail: ctx.groups[current], detailTop: 0}, action: null};
  const target = key.downArrow || input === 'j' ? current + 1
    : key.upArrow || input === 'k' ? current - 1
    : key.pageDown ? current + ctx.pageRows
    : key.pageUp ? current - ctx.pageRows
    : input === 'g' ? 0
    : input === 'G' ? ctx.groups.length - 1
    : null;
  if (target === null || ctx.groups.length === 0) return same;
  return {ui: {...ui, selected: ctx.groups[Math.max(0, Math.min(ctx.groups.length - 1, target))]}, action: null};
}
