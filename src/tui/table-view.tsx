/** A header and a page of rows, the selected row in inverse video, statuses in colour. */
import {Box, Text} from 'ink';
import type {Column} from './view-model.js';
import {renderHeader, renderRow} from './view-model.js';

const STATUS_COLOURS: Record<string, string> = {OK: 'green', WARN: 'yellow', ERR: 'red', STOP: 'red', STALL: 'red', REWIND: 'magenta'};

export function statusColour(status: string): string | undefined {
  return STATUS_COLOURS[status];
}

export interface TableViewProps<T> {
  columns: Array<Column<T>>;
  rows: T[];
  /** Index into rows of the highlighted row, -1 for none. */
  selected: number;
  status: (row: T) => string;
  rowKey: (row: T) => string;
}

export function TableView<T>({columns, rows, selected, status, rowKey}: TableViewProps<T>) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">{renderHeader(columns)}</Text>
      {rows.map((row, i) => {
        const line = renderRow(columns, row);
        const st = status(row);
        // The status is the first column: colour it, keep the rest plain.
        const head = line.slice(0, 6);
        return (
          <Text key={rowKey(row)} inverse={i === selected} wrap="truncate">
            <Text color={statusColour(st)}>{head}</Text>{line.slice(6)}
          </Text>
        );
      })}
    </Box>
  );
}
