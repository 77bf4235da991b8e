import * as Flags from '@oclif/core/flags';
import {BaseCommand} from '../../src/cli/base-command.js';
import {startBroker} from '../../src/broker/broker.js';
import {brokerOptionsFromFlags} from '../../src/broker/start-options.js';
import {whenNpxExits} from '../../src/cli/parent-exit.js';

export default class BrokerStart extends BaseCommand {
  static override summary = 'Run the embedded Kafka broker';
  static override description = [
    'Starts a single-node Kafka broker (node 1, broker and controller) that Kafka clients such as kafkajs, librdkafka/kcat and the Java clients talk to unchanged. Data is kept in Kafka\'s own on-disk format under the data dir, so a directory written by Apache Kafka can be served too.',
    'Broker settings use Kafka\'s names (num.partitions, auto.create.topics.enable, log.retention.ms, log.segment.bytes, ...), from a YAML file given with --config and from --set key=value, which wins over the file. The broker prints "listening on HOST:PORT" once it accepts connections and runs until SIGINT (Ctrl-C) or SIGTERM, then flushes and closes its logs. Started through npx or npm exec, it also stops that way when npx exits, since npm does not pass a SIGTERM on to it.',
    'Once listening, the broker runs its Produce and Fetch paths over a topic of its own in a temporary directory for two to three seconds in the background (never in the data dir, and never shown to clients), so that a client\'s first large requests find them compiled: with 10,000 partitions, the first Produce requests to all of them take a quarter to a half less time. --no-warm-up skips it.',
    'The default data dir is $XDG_DATA_HOME/kstream/data (~/.local/share/kstream/data). The default listener is 127.0.0.1:9092 (loopback only); use --listen 0.0.0.0:9092 to accept remote clients and --advertise to tell them which address to connect to.',
  ].join('\n\n');
  static override examples = [
    {description: 'Run with the defaults', command: '<%= config.bin %> broker start'},
    {description: 'Use another port and data dir, any free port with :0', command: '<%= config.bin %> broker start --listen 127.0.0.1:19092 --data-dir /tmp/kstream-data'},
    {description: 'Three partitions per new topic, keep data one hour', command: '<%= config.bin %> broker start --set num.partitions=3 --set log.retention.ms=3600000'},
    {description: 'Accept remote clients, advertise the host name they should use', command: '<%= config.bin %> broker start --listen 0.0.0.0:9092 --advertise kafka.lan:9092'},
    {description: 'Settings from a YAML file ("auto.create.topics.enable: false" per line)', command: '<%= config.bin %> broker start --config broker.yaml'},
  ];
  static override flags = {
    'data-dir': Flags.string({description: 'data directory [default: $XDG_DATA_HOME/kstream/data]'}),
    listen: Flags.string({description: 'address to listen on, HOST:PORT (port 0 = any free port)', default: '127.0.0.1:9092'}),
    advertise: Flags.string({description: 'address clients are told to connect to, HOST:PORT [default: the listen address]'}),
    config: Flags.string({description: 'YAML file with a map of Kafka broker config names to values'}),
    set: Flags.string({description: 'a Kafka broker config, key=value (repeatable)', multiple: true}),
    'warm-up': Flags.boolean({description: 'run the Produce and Fetch paths in the background after start, so the first large requests are fast', default: true, allowNo: true}),
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(BrokerStart);
    const options = await brokerOptionsFromFlags({
      dataDir: flags['data-dir'], listen: flags.listen, advertise: flags.advertise, configFile: flags.config, set: flags.set ?? [], warmUp: flags['warm-up'],
    });
    let stop!: (reason: string) => void;
    const stopRequested = new Promise<string>((resolve) => { stop = resolve; });
    // Killing npx does not reach the broker (src/cli/parent-exit.ts): its exit stands for the signal.
    // Watched from before the broker starts: npx may be killed as soon as "listening on" is out, and
    // a watch started after that would take the adoptive parent for npx and never fire.
    const stopWatching = whenNpxExits(() => stop('npx (npm exec), which started the broker, exited'));
    let broker: Awaited<ReturnType<typeof startBroker>>;
    try {
      broker = await startBroker(options);
    } catch (err) {
      stopWatching();
      throw err;
    }
    const address = broker.host.includes(':') ? `[${broker.host}]:${broker.port}` : `${broker.host}:${broker.port}`;
    process.once('SIGINT', () => stop('received SIGINT'));
    process.once('SIGTERM', () => stop('received SIGTERM'));
    this.log(`kstream broker ${broker.nodeId} (cluster ${broker.clusterId}) listening on ${address}, data in ${broker.dataDir}`);
    const reason = await stopRequested;
    stopWatching();
    process.stderr.write(`${reason}, shutting down\n`);
    await broker.stop();
    this.log('broker stopped');
  }
}
