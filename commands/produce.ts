import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../src/cli/base-command.js';
import {ClusterCommand} from '../src/cli/cluster-command.js';
import {COMPRESSION_NAMES, CompressionName} from '../src/ops/produce/codecs.js';
import {parseDelimiter, parseHeaders, readRecords} from '../src/ops/produce/input.js';
import {AcksName, produce} from '../src/ops/produce/produce.js';
import {produceSummaryText} from '../src/ops/produce/summary-text.js';
import {parseDateTime} from '../src/ops/time.js';

export default class Produce extends ClusterCommand {
  static override summary = 'Produce records read from stdin, one per line';
  static override description = `Each line of stdin becomes one record (--delimiter changes the separator; an empty delimiter makes the whole input one record). A delimiter at the very end of the input ends the last record and does not add an empty one; empty lines in between are empty records. Bytes are sent exactly as read.

Keys: -k gives every record the same key; -K splits each line at the first occurrence of the key delimiter into key and value (kcat's -K); a line without it is produced with no key. Keyed records go to the partition Kafka's Java client would pick (murmur2 of the key); keyless ones to one partition per request, moving on with each request; -p sends everything to one partition.

Records are grouped into requests below the topic's max.message.bytes. When stdin ends, a summary prints the number of records and bytes and the offsets per partition (-o json for scripts). A topic that does not exist is created only if the broker auto-creates topics.`;
  static override args = {topic: Args.string({description: 'topic to produce to', required: true})};
  static override examples = [
    {description: 'One record per line', command: 'printf "one\\ntwo\\nthree\\n" | <%= config.bin %> produce orders'},
    {description: 'Keys before a colon, zstd, a header on every record', command: 'printf "alice:1\\nbob:2\\n" | <%= config.bin %> produce orders -K : -z zstd -H source=import'},
    {description: 'A whole file as one record, into partition 2, waiting only for the leader', command: '<%= config.bin %> produce blobs --delimiter "" -p 2 --acks 1 < photo.jpg'},
    {description: 'NUL-separated input with a fixed key and timestamp', command: 'find . -print0 | <%= config.bin %> produce files --delimiter "\\0" -k host1 --timestamp 2024-05-01T12:00:00Z'},
    {description: 'Delete key alice from a compacted topic (a null value: a tombstone)', command: 'echo "alice:" | <%= config.bin %> produce users -K : -Z'},
    {description: 'The offsets as JSON', command: 'seq 1000 | <%= config.bin %> produce numbers -o json | jq .partitions'},
  ];
  static override flags = {
    key: Flags.string({char: 'k', description: 'the same key for every record', exclusive: ['key-delimiter']}),
    'key-delimiter': Flags.string({char: 'K', description: 'split each record into key and value at the first occurrence of this string'}),
    delimiter: Flags.string({char: 'd', description: 'record separator; escapes \\n \\r \\t \\0 \\xHH; "" = whole input is one record', default: '\\n'}),
    partition: Flags.integer({char: 'p', description: 'produce every record to this partition', min: 0}),
    header: Flags.string({char: 'H', description: 'header key=value on every record (repeatable)', multiple: true}),
    compression: Flags.string({char: 'z', description: 'compression codec', options: [...COMPRESSION_NAMES], default: 'none'}),
    acks: Flags.string({description: 'acknowledgements to wait for: 0 (none), 1 (leader), all (in-sync replicas)', options: ['0', '1', 'all'], default: 'all'}),
    'empty-as-null': Flags.boolean({char: 'Z', description: 'produce empty values as null (tombstones on compacted topics, kcat -Z)'}),
    timestamp: Flags.string({description: 'record timestamp for every record: ISO-8601 (UTC unless a zone is given) or epoch ms; default: now'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Produce);
    const delimiter = parseDelimiter(flags.delimiter);
    const keyDelimiter = flags['key-delimiter'] === undefined ? undefined : parseDelimiter(flags['key-delimiter']);
    const options = {
      partition: flags.partition,
      headers: parseHeaders(flags.header ?? []),
      compression: flags.compression as CompressionName,
      acks: flags.acks as AcksName,
      emptyAsNull: flags['empty-as-null'],
      timestampMs: flags.timestamp === undefined ? undefined : parseDateTime(flags.timestamp),
    };
    const conn = await this.connection(flags);
    if (process.stdin.isTTY) process.stderr.write('Reading records from the terminal, one per line; end with Ctrl-D.\n');
    const input = readRecords(process.stdin, delimiter, {fixedKey: flags.key === undefined ? undefined : Buffer.from(flags.key), keyDelimiter});
    const summary = await produce(conn, args.topic, input, options);
    this.print(summary, flags.output, produceSummaryText);
  }
}
