import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {describeError, KstreamError} from '../../src/output/errors.js';
import {ClusterCheckReport, runClusterCheck} from '../../src/ops/cluster-check/index.js';
import {clusterCheckExplain, clusterCheckTable} from '../../src/ops/cluster-check/table.js';

/** Exit code when the cluster could not be checked at all: distinct from every verdict, so a gate never mistakes it for a pass or a warning. */
export const CANNOT_CHECK_EXIT_CODE = 3;

export default class CheckCluster extends ClusterCommand {
  static override summary = 'Lint a running Kafka cluster for the settings and states that lose data or availability';
  static override description = [
    'Reads the cluster\'s metadata (brokers, topics, partitions, leaders, replicas, ISR) and the relevant topic and broker configs (DescribeConfigs), and checks what Kafka\'s operators learn the hard way:',
    [
      'replication-factor: a topic with fewer than 3 replicas',
      'internal-topic-replication: __consumer_offsets or __transaction_state with fewer than 3',
      'min-insync-replicas: above the replication factor (acks=all can never write), equal to it (one replica down stops acks=all writes), or 1 on a replicated topic',
      'unclean-leader-election: enabled on a topic or a broker',
      'unbounded-retention: retention.ms=-1 and retention.bytes=-1, not compacted',
      'offline-partitions: partitions without a live leader',
      'under-replicated-partitions: ISR smaller than the replica set',
      'under-min-isr-partitions: ISR below min.insync.replicas',
      'preferred-leaders: a broker not leading the partitions it is preferred for',
      'leader-count: a broker leading more than its share of partitions',
      'partitions-per-broker: more than 4,000 partition replicas on a broker',
      'partitions-per-cluster: more than 200,000 partition replicas (info: a ZooKeeper-era limit)',
    ].join('\n'),
    'Each result names its subject (a topic, a broker or the cluster), the current value, what is required, a severity and whether it passed; --explain adds why it matters, the fix, and the source of the rule (Kafka\'s documentation, Kafka: The Definitive Guide, Confluent, KIPs). The table lists what did not pass (--all lists everything); JSON and YAML always carry every result.',
    'On a cluster too small to do better (the one-broker embedded broker, or a topic with as many replicas as there are brokers), a replication factor below 3 is still reported, as "info": it is true, but it is not something that cluster can fix, so it does not fail the exit code. Facts that cannot be read (a config the user may not describe) are "unknown" with the reason, never a pass or a failure.',
    `Exit code: 0 when every check passes, 1 when a warning-level check fails, 2 when an error-level check fails (info and unknown never fail), ${CANNOT_CHECK_EXIT_CODE} when the cluster could not be checked (unreachable, authentication failed). The exit code is the same with -o json and -o yaml, so the command can gate a deployment.`,
  ].join('\n\n');

  static override examples = [
    {description: 'Lint the embedded broker (or the cluster in KSTREAM_BROKERS / the active profile)', command: '<%= config.bin %> check cluster'},
    {description: 'Lint a production cluster and explain every finding: why, how to fix it, and the source of the rule', command: '<%= config.bin %> check cluster -b kafka-1:9092,kafka-2:9092 --explain'},
    {description: 'Show passing checks too', command: '<%= config.bin %> check cluster --all'},
    {description: 'Gate a deployment on errors but accept warnings', command: '<%= config.bin %> check cluster -o json > cluster-check.json || [ $? -eq 1 ]'},
    {description: 'List the failed checks with jq', command: '<%= config.bin %> check cluster -o json | jq -r \'.checks[] | select(.passed == false) | "\\(.subjectType) \\(.subject): \\(.check): \\(.current) (need \\(.required))"\''},
    {description: 'Find the topics that would fill the disk', command: '<%= config.bin %> check cluster -o json | jq -r \'.checks[] | select(.check == "unbounded-retention" and .passed == false) | .subject\''},
  ];

  static override flags = {
    all: Flags.boolean({description: 'list passing checks in the table too (JSON and YAML always list every check)', default: false}),
    explain: Flags.boolean({description: 'after the table, show why each listed check matters, how to fix it and the source of its rule', default: false}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(CheckCluster);
    const conn = await this.connection(flags);
    let report: ClusterCheckReport;
    try {
      report = await ClusterClient.with(conn, runClusterCheck);
    } catch (err) {
      const hint = err instanceof KstreamError ? err.hint : undefined;
      throw new KstreamError(`cannot check the cluster: ${err instanceof KstreamError ? err.message : describeError(err)}`, {exitCode: CANNOT_CHECK_EXIT_CODE, hint, cause: err});
    }
    const options = {all: flags.all};
    this.print(report, flags.output, (r) => (flags.explain ? clusterCheckExplain(r, options) : clusterCheckTable(r, options)));
    // Set, not thrown: the result was printed and the exit code carries the verdict.
    process.exitCode = report.summary.exitCode;
  }
}
