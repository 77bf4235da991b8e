/**
 * The lag dashboard: a page of groups (sorted, filtered, one selected), or one group's
 * partitions and members. All data comes in through props (from useLagSource), so the
 * component is pure apart from its own UI state: sort, selection, filter and view.
 */
import {Box, Text, useInput} from 'ink';
import {useRef, useState} from 'react';
import {formatDuration} from '../ops/lag/format.js';
import type {GroupLag} from '../ops/lag/types.js';
import {GroupDetail} from './group-detail.js';
import {TableView} from './table-view.js';
import {INITIAL_UI, KeyContext, reduceKey, selectedIndex, UiState} from './keys.js';
import type {LagSourceState} from './use-lag-source.js';
import {filterGroups, fitColumns, groupColumns, pageOf, SORT_LABELS, sortGroups} from './view-model.js';

export interface DashboardProps {
  state: LagSourceState;
  width: number;
  height: number;
  intervalMs: number;
  nowMs: number;
  /** What is being watched, e.g. the bootstrap servers. */
  target: string;
  paused: boolean;
  onTogglePause: () => void;
  onQuit: () => void;
}

const clockText = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

export function Dashboard(props: DashboardProps) {
  const {state, width, height} = props;
  const propsRef = useRef(props);
  propsRef.current = props;
  const uiRef = useRef<UiState>(INITIAL_UI);
  const [ui, setUi] = useState<UiState>(INITIAL_UI);
  const groups = sortGroups(filterGroups(state.report?.groups ?? [], ui.filter), ui.sort);
  const selected = selectedIndex(ui, groups.map((g) => g.group));
  const listRows = Math.max(1, height - 5);
  const detailGroup = ui.detail === null ? undefined : (state.report?.groups ?? []).find((g) => g.group === ui.detail);
  const ctxRef = useRef<KeyContext>({groups: [], pageRows: listRows});
  ctxRef.current = {groups: groups.map((g) => g.group), pageRows: listRows};

  useInput((input, key) => {
    // The ref holds the newest state and context: Ink may deliver keys before re-subscribing.
    const latest = reduceKey(uiRef.current, input, key, ctxRef.current);
    const sortChanged = latest.ui.sort !== uiRef.current.sort || latest.ui.filter !== uiRef.current.filter;
    uiRef.current = latest.ui;
    setUi(latest.ui);
    if (sortChanged) ctxRef.current = {...ctxRef.current, groups: sortGroups(filterGroups(propsRef.current.state.report?.groups ?? [], latest.ui.filter), latest.ui.sort).map((g) => g.group)};
    if (latest.action === 'quit') propsRef.current.onQuit();
    if (latest.action === 'toggle-pause') propsRef.current.onTogglePause();
  });
  const {sort, filter, editingFilter, detail, detailTop} = ui;

  const title = `kstream lag · ${props.target} · ${state.report?.groups.length ?? 0} groups · every ${formatDuration(props.intervalMs)} · sort: ${SORT_LABELS[sort]}${state.lastOkMs !== null ? ` · ${clockText(state.lastOkMs)}` : ''}`;
  return (
    <Box flexDirection="column" width={width} height={height - 1}>
      <Text bold wrap="truncate">{props.paused ? <Text color="yellow">[PAUSED] </Text> : null}{title}</Text>
      <StatusLine {...props} filter={filter} editingFilter={editingFilter} />
      {detail !== null
        ? <GroupDetail group={detailGroup} name={detail} width={width} height={height - 4} top={detailTop} />
        : <GroupPage groups={groups} selected={selected} width={width} rows={listRows} loading={state.report === null} />}
      <Text dimColor wrap="truncate">{detail !== null
        ? '↑↓ scroll · PgUp/PgDn page · Esc back · space pause · q quit'
        : `${footerPage(groups.length, selected, listRows)}↑↓ move · ⏎ details · / filter · l t r n sort · space pause · q quit`}</Text>
    </Box>
  );
}

function footerPage(total: number, selected: number, rows: number): string {
  const page = pageOf(total, selected, rows);
  return page.pages > 1 ? `page ${page.page + 1}/${page.pages} · ` : '';
}

function StatusLine(props: DashboardProps & {filter: string; editingFilter: boolean}) {
  const {state} = props;
  if (state.error !== null) {
    const since = state.errorSinceMs === null ? '' : ` for ${formatDuration(Math.max(0, props.nowMs - state.errorSinceMs))}`;
    const last = state.lastOkMs === null ? 'no data yet' : `showing data from ${clockText(state.lastOkMs)}`;
    return <Text color="red" wrap="truncate">✗ cluster unreachable{since} ({last}; retrying every {formatDuration(props.intervalMs)}): {state.error}</Text>;
  }
  if (props.editingFilter) return <Text wrap="truncate">filter: {props.filter}<Text inverse> </Text> (Enter to apply, Esc to clear)</Text>;
  if (props.filter !== '') return <Text wrap="truncate">filter: {props.filter} (Esc clears)</Text>;
  const worst = (state.report?.groups ?? []).filter((g) => g.status !== 'OK').length;
  return <Text wrap="truncate" color={worst > 0 ? 'yellow' : 'green'}>{state.report === null ? 'connecting…' : worst > 0 ? `${worst} group(s) need attention` : 'all groups OK'}{state.report ? ` · ${state.report.samples} samples over ${formatDuration(state.report.windowMs)}` : ''}</Text>;
}

function GroupPage({groups, selected, width, rows, loading}: {groups: GroupLag[]; selected: number; width: number; rows: number; loading: boolean}) {
  if (groups.length === 0) return <Box height={rows + 1}><Text dimColor>{loading ? 'waiting for the first sample…' : 'no consumer groups match'}</Text></Box>;
  const page = pageOf(groups.length, selected, rows);
  const shown = groups.slice(page.start, page.start + page.size);
  return (
    <Box height={rows + 1} flexDirection="column">
      <TableView columns={fitColumns(groupColumns(), width)} rows={shown} selected={selected - page.start} status={(g) => g.status} rowKey={(g) => g.group} />
    </Box>
  );
}

