/** The benchmark table: one row per figure, next to the machine limit measured in the same run. */
import {loadavg, cpus, totalmem, release} from 'node:os';

export interface Row {
  group: string;
  name: string;
  result: string;
  /** The same job done by the minimal program that defines the machine's limit, if there is one. */
  limit?: string;
  /** result / limit as a percentage. */
  ofLimit?: string;
  target?: string;
  /** Whether the target is met; undefined when there is no target. */
  met?: boolean;
  /**
   * A second bar for rows whose load generator is kcat: the same kcat command against a minimal
   * program answering it (lib/kcat-ceiling.ts), so kcat's own CPU time is on both sides.
   */
  ceiling?: string;
  /** result / ceiling as a percentage. */
  ofCeiling?: string;
}

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];

  add(row: Row): void {
    this.rows.push(row);
    const limit = row.limit ? `  (limit ${row.limit}, ${row.ofLimit ?? '-'})` : '';
    const ceiling = row.ceiling ? `  (kcat ceiling ${row.ceiling}, ${row.ofCeiling ?? '-'})` : '';
    process.stderr.write(`  ${row.group} | ${row.name}: ${row.result}${limit}${ceiling}\n`);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** The kcat-ceiling columns come last, and only when some row has one, so other tables keep their shape. */
  private cells(): string[][] {
    const ceilings = this.rows.some((r) => r.ceiling !== undefined);
    const header = ['Scenario', 'Case', 'kstream', 'Machine limit (same run)', '% of limit', 'Target', 'Met',
      ...(ceilings ? ['kcat ceiling (same run)', '% of kcat ceiling'] : [])];
    const body = this.rows.map((r) => [r.group, r.name, r.result, r.limit ?? '', r.ofLimit ?? '', r.target ?? '',
      r.met === undefined ? '' : r.met ? 'yes' : 'NO', ...(ceilings ? [r.ceiling ?? '', r.ofCeiling ?? ''] : [])]);
    return [header, ...body];
  }

  text(): string {
    const cells = this.cells();
    const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
    const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
  }

  markdown(): string {
    const [header, ...body] = this.cells();
    const row = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [row(header!), row(header!.map(() => '---')), ...body.map(row)].join('\n');
  }
}

/** One line describing the machine and how loaded it was, to print next to the figures. */
export function machineDescription(): string {
  const cpu = cpus();
  const [l1, l5, l15] = loadavg().map((l) => l.toFixed(2));
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}; load average ${l1} ${l5} ${l15}`;
}

export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
