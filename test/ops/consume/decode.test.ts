import {describe, expect, it} from 'vitest';
import {CompressionType} from '../../../src/records/batch-header.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {encodeEndTxnMarkerBatch} from '../../../src/records/control.js';
import {decodeFetchedRecords} from '../../../src/ops/consume/decode.js';

const values = (rs: Array<{value: Buffer | null}>) => rs.map((r) => r.value?.toString());

describe('decodeFetchedRecords', () => {
  it('trims records before the fetch offset inside a compressed batch and advances past the batch', async () => {
    const data = Buffer.concat([
      await encodeBatch({baseOffset: 0n, compression: CompressionType.Zstd, records: [{value: 'a'}, {value: 'b'}, {value: 'c'}]}),
      await encodeBatch({baseOffset: 3n, records: [{value: 'd', key: 'k', headers: [{key: 'h', value: 'v'}]}]}),
    ]);
    const got = await decodeFetchedRecords('t', 0, data, 1n);
    expect(values(got.records)).toEqual(['b', 'c', 'd']);
    expect(got.records.map((r) => r.offset)).toEqual([1n, 2n, 3n]);
    expect(got.records[2]).toMatchObject({topic: 't', partition: 0, key: Buffer.from('k'), headers: [{key: 'h', value: Buffer.from('v')}]});
    expect(got.nextOffset).toBe(4n);
  });

  it('ignores an incomplete batch at the end of the response', async () => {
    const whole = await encodeBatch({baseOffset: 0n, records: [{value: 'a'}]});
    const next = await encodeBatch({baseOffset: 1n, records: [{value: 'b'}]});
    const got = await decodeFetchedRecords('t', 0, Buffer.concat([whole, next.subarray(0, next.length - 5)]), 0n);
    expect(values(got.records)).toEqual(['a']);
    expect(got.nextOffset).toBe(1n);
  });

  it('skips control batches and drops aborted transactions, keeping committed ones', async () => {
    const data = Buffer.concat([
      await encodeBatch({baseOffset: 0n, producerId: 7n, producerEpoch: 0, baseSequence: 0, transactional: true, records: [{value: 'aborted'}]}),
      await encodeBatch({baseOffset: 1n, producerId: 8n, producerEpoch: 0, baseSequence: 0, transactional: true, records: [{value: 'committed'}]}),
      await encodeEndTxnMarkerBatch({baseOffset: 2n, producerId: 7n, producerEpoch: 0, commit: false, coordinatorEpoch: 0}),
      await encodeEndTxnMarkerBatch({baseOffset: 3n, producerId: 8n, producerEpoch: 0, commit: true, coordinatorEpoch: 0}),
      await encodeBatch({baseOffset: 4n, producerId: 7n, producerEpoch: 0, baseSequence: 1, transactional: true, records: [{value: 'later'}]}),
    ]);
    const got = await decodeFetchedRecords('t', 0, data, 0n, [{producerId: 7n, firstOffset: 0n}]);
    expect(values(got.records)).toEqual(['committed', 'later']);
    expect(got.nextOffset).toBe(5n);
  });

  it('returns nothing for an empty fetch and keeps the position', async () => {
    expect(await decodeFetchedRecords('t', 0, null, 9n)).toEqual({records: [], nextOffset: 9n});
  });
});
