/** One group: a summary line, a scrollable page of its partitions, and its members. */
import {Box, Text} from 'ink';
import {formatCatchUp, formatCount, formatRate, formatTimeLag} from '../ops/lag/format.js';
import type {GroupLag} from '../ops/lag/types.js';
import {statusColour, TableView} from './table-view.js';
import {fitCell, fitColumns, partitionColumns} from './view-model.js';

export interface GroupDetailProps {
  group: GroupLag | undefined;
  name: string;
  width: number;
  /** Lines available, footer excluded. */
  height: number;
  /** First partition row shown (clamped here). */
  top: number;
}

export function GroupDetail({group, name, width, height, top}: GroupDetailProps) {
  if (!group) return <Box height={height}><Text color="yellow">group {name} is not in the latest sample (Esc to go back)</Text></Box>;
  const memberLines = group.members.length === 0 ? 1 : Math.min(group.members.length + 1, Math.max(2, Math.floor(height / 4)));
  const rows = Math.max(1, height - memberLines - 3);
  const first = Math.max(0, Math.min(top, group.partitions.length - rows));
  const shown = group.partitions.slice(first, first + rows);
  const more = group.members.length - (memberLines - 1);
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate">
        <Text bold>{group.group}</Text> <Text color={statusColour(group.status)}>{group.status}</Text> · {group.state} · lag {formatCount(group.totalLag)} · time lag {formatTimeLag(group.maxTimeLag)} · consume {formatRate(group.consumeRate)} · produce {formatRate(group.produceRate)} · catch-up {formatCatchUp(group.catchUp)}
      </Text>
      <Box height={rows + 1} flexDirection="column">
        <TableView columns={fitColumns(partitionColumns(), width)} rows={shown} selected={-1} status={(p) => p.status} rowKey={(p) => `${p.topic}:${p.partition}`} />
      </Box>
      <Text dimColor wrap="truncate">partitions {group.partitions.length === 0 ? 0 : first + 1}-{first + shown.length} of {group.partitions.length}</Text>
      {group.members.length === 0
        ? <Text dimColor>no members (nobody is consuming)</Text>
        : <>
            <Text bold wrap="truncate">MEMBERS ({group.members.length})</Text>
            {group.members.slice(0, memberLines - 1).map((m, i) => (
              <Text key={m.consumerId} wrap="truncate">
                {fitCell(m.clientId, 20, 'left')} {fitCell(m.host, 16, 'left')} {fitCell(`${m.partitions} partitions`, 14, 'left')} {i === memberLines - 2 && more > 0 ? `(+${more} more) ` : ''}{m.consumerId}
              </Text>
            ))}
          </>}
    </Box>
  );
}
