import {readFile, writeFile} from 'node:fs/promises';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {parsePlanCsv, planToCsv} from '../../src/ops/groups/plan-file.js';
import {parseTopicScope, resetOffsets, TargetSpec} from '../../src/ops/groups/reset.js';
import {parseDateTime, parseDuration} from '../../src/ops/time.js';
import {KstreamError, UsageError} from '../../src/output/errors.js';
import {resetPlanTable} from '../../src/output/group-views.js';

const TARGETS = ['to-earliest', 'to-latest', 'to-current', 'to-offset', 'shift-by', 'to-datetime', 'by-duration', 'from-file', 'to-group'];
const exclusive = (name: string) => TARGETS.filter((t) => t !== name);

export default class GroupsResetOffsets extends ClusterCommand {
  static override summary = 'Plan, and with --execute commit, new offsets for a consumer group';
  static override description = `Without --execute (or with --dry-run) nothing changes: the plan is
printed (CURRENT-OFFSET, NEW-OFFSET and the lag before and after), with
targets outside a partition's log clamped to its start or end and flagged.
--export FILE writes the plan as CSV (topic,partition,offset, the format of kafka-consumer-groups
--export) that --from-file reads back, so a reviewed plan can be executed exactly.

Exactly one target: --to-earliest, --to-latest, --to-current, --to-offset N, --shift-by N (negative
to go back), --to-datetime 2024-05-01T12:00:00.000 (UTC unless a zone is given), --by-duration
PT1H (that long before now), --from-file plan.csv, or --to-group OTHER (copy OTHER's offsets).
Scope: --all-topics (every topic the group has offsets for) or --topic T / --topic T:0,1,2
(repeatable). With --from-file or --to-group the scope defaults to the partitions they name.

The group must be inactive (no members): a running consumer would overwrite the new offsets with
its next commit. Stop the consumers first; the command names them when it refuses.`;
  static override args = {group: Args.string({description: 'group id', required: true})};
  static override examples = [
    '<%= config.bin %> groups reset-offsets billing --all-topics --to-earliest',
    '<%= config.bin %> groups reset-offsets billing --topic orders:0,1 --shift-by -100 --execute',
    '<%= config.bin %> groups reset-offsets billing --topic orders --to-datetime 2024-05-01T00:00:00Z --export plan.csv',
    '<%= config.bin %> groups reset-offsets billing --from-file plan.csv --execute',
    '<%= config.bin %> groups reset-offsets billing-v2 --to-group billing --execute',
  ];
  static override flags = {
    'all-topics': Flags.boolean({description: 'every topic the group has committed offsets for', exclusive: ['topic']}),
    topic: Flags.string({description: 'TOPIC or TOPIC:0,1,2 (repeatable)', multiple: true}),
    'to-earliest': Flags.boolean({description: 'reset to the log start offset', exclusive: exclusive('to-earliest')}),
    'to-latest': Flags.boolean({description: 'reset to the log end offset', exclusive: exclusive('to-latest')}),
    'to-current': Flags.boolean({description: 'keep the committed offset (log end where none)', exclusive: exclusive('to-current')}),
    'to-offset': Flags.string({description: 'reset to this offset', exclusive: exclusive('to-offset')}),
    'shift-by': Flags.string({description: 'move the committed offset by N (negative = back)', exclusive: exclusive('shift-by')}),
    'to-datetime': Flags.string({description: 'first offset at or after this ISO-8601 time', exclusive: exclusive('to-datetime')}),
    'by-duration': Flags.string({description: 'first offset at or after now minus this ISO-8601 duration (PnDTnHnMnS)', exclusive: exclusive('by-duration')}),
    'from-file': Flags.string({description: 'offsets from a CSV plan (topic,partition,offset)', exclusive: exclusive('from-file')}),
    'to-group': Flags.string({description: 'copy the committed offsets of another group', exclusive: exclusive('to-group')}),
    execute: Flags.boolean({description: 'commit the new offsets (default: only show the plan)', exclusive: ['dry-run']}),
    // kafka-consumer-groups.sh asks scripts to say --dry-run explicitly: the same scripts work here.
    'dry-run': Flags.boolean({description: 'only show the plan, as without --execute (kafka-consumer-groups --dry-run)', exclusive: ['execute']}),
    export: Flags.string({description: 'write the plan as CSV to this file'}),
    output: outputFlag,
  };

  private async target(flags: Record<string, unknown>): Promise<TargetSpec> {
    const chosen = TARGETS.filter((t) => flags[t] !== undefined && flags[t] !== false);
    if (chosen.length === 0) throw new UsageError('no reset target given', `Pass one of ${TARGETS.map((t) => `--${t}`).join(', ')}`);
    const value = String(flags[chosen[0]]);
    const integer = (what: string) => {
      if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid --${what} "${value}"`, 'Expected a whole number');
      return BigInt(value);
    };
    switch (chosen[0]) {
      case 'to-earliest': return {kind: 'earliest'};
      case 'to-latest': return {kind: 'latest'};
      case 'to-current': return {kind: 'current'};
      case 'to-offset': {
        const offset = integer('to-offset');
        if (offset < 0n) throw new UsageError(`invalid --to-offset "${value}"`, 'Offsets are 0 or more');
        return {kind: 'offset', offset};
      }
      case 'shift-by': return {kind: 'shift', by: integer('shift-by')};
      case 'to-datetime': return {kind: 'datetime', timestampMs: parseDateTime(value), text: value};
      case 'by-duration': {
        const ms = parseDuration(value);
        if (ms < 0) throw new UsageError(`invalid --by-duration "${value}"`, 'The duration is how long before now; give it without a sign');
        return {kind: 'duration', ms, text: value};
      }
      case 'from-file': {
        let text: string;
        try {
          text = await readFile(value, 'utf8');
        } catch (err) {
          throw new KstreamError(`cannot read plan file ${value}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {exitCode: 2});
        }
        return {kind: 'file', offsets: parsePlanCsv(text, value), fileName: value};
      }
      default: return {kind: 'group', group: value};
    }
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(GroupsResetOffsets);
    const target = await this.target(flags);
    const scope = {allTopics: flags['all-topics'], topics: (flags.topic ?? []).map(parseTopicScope)};
    const result = await ClusterClient.with(await this.connection(flags), (c) => resetOffsets(c, args.group, scope, target, {execute: flags.execute, nowMs: Date.now()}));
    if (flags.export) await writeFile(flags.export, planToCsv(result));
    this.print(result, flags.output, resetPlanTable);
  }
}
