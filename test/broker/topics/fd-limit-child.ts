/**
 * Run by fd-limit.test.ts under a low `ulimit -n`: a broker creates PARTITIONS partitions with
 * CreateTopics and receives one Produce request holding a batch for every one of them, over the
 * wire as a client would send it. Prints one JSON line: per-error-code counts and open fds.
 */
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ProtocolClient} from '../../../src/client/protocol-client.js';
import {startBroker} from '../../../src/index.js';
import {ApiKey} from '../../../src/protocol/api.js';
import {encodeBatch} from '../../../src/records/batch.js';

const partitions = Number(process.env.PARTITIONS);
const dataDir = await mkdtemp(join(tmpdir(), 'kstream-fd-limit-'));
const broker = await startBroker({dataDir, port: 0, log: () => undefined, config: {}});
const address = `127.0.0.1:${broker.port}`;
const client = await ProtocolClient.connect({brokers: [address], source: 'flag', timeoutSeconds: 120}, address, 'fd-limit');
try {
  const created = await client.request<any>(ApiKey.CreateTopics, {
    topics: [{name: 'wide', numPartitions: partitions, replicationFactor: 1, assignments: [], configs: []}],
    timeoutMs: 120_000, validateOnly: false,
  });
  const createError = created.topics[0].errorCode;
  const records = await encodeBatch({records: [{key: null, value: Buffer.alloc(100, 120)}]});
  const codes: Record<string, number> = {};
  let produced = 0;
  for (let round = 0; createError === 0 && round < 2; round++) {
    const response = await client.request<any>(ApiKey.Produce, {
      transactionalId: null, acks: -1, timeoutMs: 60_000,
      topicData: [{name: 'wide', partitionData: Array.from({length: partitions}, (_, index) => ({index, records}))}],
    });
    for (const p of response.responses[0].partitionResponses) {
      codes[p.errorCode] = (codes[p.errorCode] ?? 0) + 1;
      if (p.errorCode === 0) produced++;
    }
  }
  const fds = (await readdir('/proc/self/fd')).length;
  process.stdout.write(`${JSON.stringify({createError, codes, produced, fds})}\n`);
} finally {
  client.close();
  await broker.stop();
  await rm(dataDir, {recursive: true, force: true});
}
