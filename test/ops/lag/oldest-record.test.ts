import {describe, expect, it} from 'vitest';
import {encodeBatch} from '../../../src/records/batch.js';
import {CompressionType} from '../../../src/records/batch-header.js';
import {recordTimestampAt} from '../../../src/ops/lag/oldest-record.js';

const records = (n: number, t0: number) => Array.from({length: n}, (_, i) => ({value: `value-${i}`, timestamp: t0 + i * 10}));

describe('recordTimestampAt', () => {
  it('reads the record at the offset from a whole batch (mid-batch offsets included)', async () => {
    const bytes = Buffer.concat([await encodeBatch({baseOffset: 100n, records: records(5, 1000)}), await encodeBatch({baseOffset: 105n, records: records(5, 2000)})]);
    expect(await recordTimestampAt(bytes, 100n)).toEqual({timestampMs: 1000, precision: 'record'});
    expect(await recordTimestampAt(bytes, 103n)).toEqual({timestampMs: 1030, precision: 'record'});
    expect(await recordTimestampAt(bytes, 107n)).toEqual({timestampMs: 2020, precision: 'record'});
  });

  it('decompresses compressed batches', async () => {
    const bytes = await encodeBatch({baseOffset: 0n, records: records(20, 5000), compression: CompressionType.Gzip});
    expect(await recordTimestampAt(bytes, 7n)).toEqual({timestampMs: 5070, precision: 'record'});
  });

  it('falls back to the batch header when the batch was cut at partition_max_bytes', async () => {
    const whole = await encodeBatch({baseOffset: 0n, records: records(100, 9000)});
    expect(await recordTimestampAt(whole.subarray(0, 200), 42n)).toEqual({timestampMs: 9000, precision: 'batch'});
  });

  it('uses the append time of LogAppendTime batches, skips control batches, gives null for nothing usable', async () => {
    const append = await encodeBatch({baseOffset: 0n, records: records(3, 1), timestampType: 'append'});
    const header = Buffer.from(append);
    header.writeBigInt64BE(777n, 35); // maxTimestamp holds the append time
    expect(await recordTimestampAt(header, 1n)).toEqual({timestampMs: 777, precision: 'record'});
    const control = await encodeBatch({baseOffset: 0n, records: [{key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: 1}], control: true, transactional: true, producerId: 1n, producerEpoch: 0});
    const data = await encodeBatch({baseOffset: 1n, records: records(2, 4000)});
    expect(await recordTimestampAt(Buffer.concat([control, data]), 0n)).toEqual({timestampMs: 4000, precision: 'record'});
    expect(await recordTimestampAt(null, 0n)).toBeNull();
    expect(await recordTimestampAt(Buffer.alloc(10), 0n)).toBeNull();
  });
});
