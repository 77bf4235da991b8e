import os from 'node:os';
import * as Flags from '@oclif/core/flags';
import {BaseCommand, outputFlag} from '../../src/cli/base-command.js';
import {UsageError} from '../../src/output/errors.js';
import {DEFAULT_CONNECTIONS, defaultBrokerDataDir, runOsCheck} from '../../src/ops/os-check/index.js';
import {buildFixScript} from '../../src/ops/os-check/fix-script.js';
import {osCheckExplain, osCheckTable} from '../../src/ops/os-check/table.js';

export default class CheckOs extends BaseCommand {
  static override summary = 'Check this host\'s OS settings for running Kafka or the embedded broker';
  static override description = [
    'Reads /proc, /sys, this process\'s limits and the data dir\'s mount, and checks each setting Kafka depends on: swapping and dirty-page flushing, memory maps and open files (sized from the segments actually in the data dir), the data dir\'s filesystem, mount options, free space and I/O scheduler, transparent huge pages, socket buffers and backlogs, clock source, kernel version and memory left for the page cache. Every check names its source (Kafka\'s documentation, Kafka: The Definitive Guide, rpk); --explain says why it matters and how to fix it.',
    'A value that cannot be read (inside a container, on a non-Linux host) is reported as "unknown" with the reason; it never counts as a pass or a failure.',
    'Exit code: 0 when every check passes, 1 when a warning-level check fails, 2 when an error-level check fails (info findings and unknown values never fail). The exit code is the same with -o json, -o yaml and --fix-script, so the command can gate a deployment.',
    '--fix-script prints a shell script (sysctl -w plus an /etc/sysctl.d file, limits.d lines, sysfs writes, remount commands as comments) instead of the table; it changes nothing itself.',
  ].join('\n\n');

  static override examples = [
    {description: 'Check this host against the default data dir (~/.local/share/kstream/data)', command: '<%= config.bin %> check os'},
    {description: 'Check the data dir of a Kafka broker, with the reason and fix for each finding', command: '<%= config.bin %> check os --data-dir /var/lib/kafka/data --explain'},
    {description: 'Gate a deployment: fail the pipeline when an error-level check fails', command: '<%= config.bin %> check os --data-dir /var/lib/kafka/data -o json > os-check.json || [ $? -eq 1 ]'},
    {description: 'List only the failed checks with jq', command: '<%= config.bin %> check os -o json | jq -r \'.checks[] | select(.passed == false) | "\\(.check): \\(.current) (need \\(.required))"\''},
    {description: 'Write a fix script, read it, then apply it as root', command: '<%= config.bin %> check os --data-dir /var/lib/kafka/data --fix-script > fix-os.sh; less fix-os.sh; sudo sh fix-os.sh'},
    {description: 'Budget file descriptors for 5000 client connections', command: '<%= config.bin %> check os --connections 5000'},
  ];

  static override flags = {
    'data-dir': Flags.string({description: 'data directory whose partitions and filesystem are checked (default: the broker\'s default data dir)'}),
    explain: Flags.boolean({description: 'after the table, show why each check matters, how to fix it and the source of its threshold', default: false}),
    'fix-script': Flags.boolean({description: 'print a shell script of the fixes for the failed checks instead of the table', default: false}),
    connections: Flags.integer({description: 'client connections to budget open files for', default: DEFAULT_CONNECTIONS, min: 0}),
    root: Flags.string({description: 'read /proc and /sys under this directory instead of / (for tests)', hidden: true}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(CheckOs);
    if (flags['fix-script'] && flags.output !== 'table') throw new UsageError('--fix-script prints a shell script and cannot be combined with -o json|yaml');
    const report = await runOsCheck({dataDir: flags['data-dir'] ?? defaultBrokerDataDir(), connections: flags.connections, root: flags.root});
    if (flags['fix-script']) {
      this.log(buildFixScript(report, {user: os.userInfo().username}).trimEnd());
    } else {
      this.print(report, flags.output, flags.explain ? osCheckExplain : osCheckTable);
    }
    // Set, not thrown: the result was printed and the exit code carries the verdict.
    process.exitCode = report.summary.exitCode;
  }
}
