import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {BaseCommand} from '../src/cli/base-command.js';
import {UsageError} from '../src/output/errors.js';
import {dumpFiles, jsonSink, textSink, VALUE_DECODERS, type ValueDecoderName} from '../src/ops/dump/index.js';

export default class DumpSegment extends BaseCommand {
  static override summary = "Dump Kafka's log files offline, as kafka-dump-log.sh prints them (or as JSON lines)";
  static override description = `Reads Kafka's on-disk files directly (no broker needed) and prints them line for line as
Kafka 3.3+/4.x's kafka-dump-log.sh does:
  .log          one line per batch; record lines with --deep-iteration; keys and values with
                --print-data-log; "Found N invalid bytes at the end of ..." for a torn or padded tail
  .index        offset/position entries, checked against the sibling .log (mismatches on stderr)
  .timeindex    timestamp/offset entries, checked against the sibling .log and .index
  .snapshot     producer state (one line per producer)
  .txnindex     aborted transactions
  .checkpoint   KRaft metadata snapshots (dumped like a .log)
kstream also reads the files kafka-dump-log.sh ignores: recovery-point-offset-checkpoint,
log-start-offset-checkpoint, replication-offset-checkpoint, cleaner-offset-checkpoint,
leader-epoch-checkpoint, partition.metadata and meta.properties.

Segments are streamed, so memory stays flat for multi-GiB files. All codecs (gzip, snappy, lz4,
zstd), legacy magic 0/1 message sets and control batches (transaction markers) are decoded.

Flag implications are Kafka's: any decoder implies --print-data-log, which implies
--deep-iteration. --offsets-decoder prints __consumer_offsets records in Kafka 3.8+'s JSON form
(key {"type":...,"data":...}, payload {"version":...,"data":...} or <DELETE>);
--transaction-log-decoder does the same for __transaction_state.

-o json writes one JSON object per line, each with a "type" (file, log-start, batch, record,
invalid-bytes, index-entry, time-index-entry, producer-snapshot-entry, txn-index-entry,
index-mismatches, non-consecutive-offsets, error, ...) and every field the text shows; offsets
and timestamps are numbers (strings beyond 2^53). In JSON mode everything goes to stdout.

Exit status 1 when a file could not be dumped (missing, unreadable, corrupt beyond a batch).`;
  static override strict = false;
  static override args = {file: Args.string({description: 'files to dump (.log, .index, .timeindex, .snapshot, .txnindex, checkpoints)'})};
  static override examples = [
    '<%= config.bin %> dump-segment /var/lib/kafka/orders-0/00000000000000000000.log',
    '<%= config.bin %> dump-segment --print-data-log orders-0/00000000000000000000.log',
    '<%= config.bin %> dump-segment --offsets-decoder __consumer_offsets-12/00000000000000000000.log',
    '<%= config.bin %> dump-segment --verify-index-only orders-0/00000000000000000000.index orders-0/00000000000000000000.timeindex',
    '<%= config.bin %> dump-segment --deep-iteration --value-decoder hex -o json orders-0/*.log | jq \'select(.type=="record")\'',
    '<%= config.bin %> dump-segment --files a.log,b.index   # kafka-dump-log.sh style',
  ];
  static override flags = {
    files: Flags.string({description: "comma-separated files, as kafka-dump-log.sh's --files (added to FILE arguments)"}),
    'print-data-log': Flags.boolean({description: 'print record keys and values (implies --deep-iteration)'}),
    'deep-iteration': Flags.boolean({description: 'print every record, not only batches'}),
    'skip-record-metadata': Flags.boolean({description: 'print only record contents (control records become empty lines)'}),
    'verify-index-only': Flags.boolean({description: 'check index entries against the log without printing them'}),
    'index-sanity-check': Flags.boolean({description: "only run the broker's startup sanity check on index files"}),
    'max-bytes': Flags.integer({description: 'read only the first N bytes of each .log (no invalid-bytes line then)', min: 0}),
    'max-message-size': Flags.integer({description: 'bytes read at each index position to find its batch', default: 5 * 1024 * 1024, min: 1}),
    'offsets-decoder': Flags.boolean({description: 'decode __consumer_offsets records (JSON, as Kafka 3.8+)'}),
    'transaction-log-decoder': Flags.boolean({description: 'decode __transaction_state records (JSON)'}),
    'key-decoder': Flags.string({description: 'how keys are printed', options: VALUE_DECODERS}),
    'value-decoder': Flags.string({description: 'how values are printed', options: VALUE_DECODERS}),
    output: Flags.string({char: 'o', description: "output format: Kafka's text (table/text) or JSON lines", options: ['table', 'text', 'json'], default: 'table'}),
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(DumpSegment);
    const files = [...(argv as string[]), ...(flags.files ? flags.files.split(',').filter((f) => f !== '') : [])];
    if (files.length === 0) throw new UsageError('no file given', 'Name one or more Kafka files, e.g. kstream dump-segment 00000000000000000000.log');
    // `| head` closes stdout early: stop quietly, as other Unix tools do.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
    });
    const sink = flags.output === 'json' ? jsonSink(process.stdout) : textSink(process.stdout, process.stderr, flags['skip-record-metadata']);
    const result = await dumpFiles(files, {
      printDataLog: flags['print-data-log'],
      deepIteration: flags['deep-iteration'],
      skipRecordMetadata: flags['skip-record-metadata'],
      verifyIndexOnly: flags['verify-index-only'],
      indexSanityCheck: flags['index-sanity-check'],
      maxBytes: flags['max-bytes'],
      maxMessageSize: flags['max-message-size'],
      offsetsDecoder: flags['offsets-decoder'],
      transactionLogDecoder: flags['transaction-log-decoder'],
      keyDecoder: flags['key-decoder'] as ValueDecoderName | undefined,
      valueDecoder: flags['value-decoder'] as ValueDecoderName | undefined,
    }, sink);
    await sink.close();
    if (result.errors > 0) process.exitCode = 1;
  }
}
