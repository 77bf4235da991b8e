/**
 * Run by create-many.test.ts: a broker on DATA_DIR creates topic `acked` with PARTITIONS
 * partitions as CreateTopics does (answered once durable, directories made in the background),
 * prints "created" once createTopic resolved, then waits to be killed with SIGKILL.
 */
import {startBroker} from '../../../src/index.js';

const broker = await startBroker({dataDir: process.env.DATA_DIR!, port: 0, log: () => undefined, config: {}});
await broker.topics.createTopic('acked', {numPartitions: Number(process.env.PARTITIONS), replicationFactor: 1, configs: {}, background: true});
process.stdout.write('created\n');
setInterval(() => undefined, 60_000);
