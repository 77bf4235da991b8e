import {describe, expect, it} from 'vitest';
import {ATTR_CONTROL, ATTR_TRANSACTIONAL} from '../../src/records/batch-header.js';
import {decodeBatch} from '../../src/records/batch.js';
import {
  ControlRecordType, controlRecordTypeName, decodeControlKey, decodeEndTxnMarkerValue, encodeControlKey,
  encodeEndTxnMarkerBatch, encodeEndTxnMarkerValue,
} from '../../src/records/control.js';
import {CorruptRecordError} from '../../src/records/errors.js';

describe('control records', () => {
  it('encodes keys and values byte-for-byte as Kafka', () => {
    expect(encodeControlKey(ControlRecordType.Commit).toString('hex')).toBe('00000001');
    expect(encodeControlKey(ControlRecordType.Abort).toString('hex')).toBe('00000000');
    expect(encodeEndTxnMarkerValue(5).toString('hex')).toBe('000000000005');
  });

  it('decodes keys and values, accepting longer future versions', () => {
    expect(decodeControlKey(Buffer.from('00000001', 'hex'))).toEqual({version: 0, type: 1});
    expect(decodeControlKey(Buffer.from('0001000200ff', 'hex'))).toEqual({version: 1, type: 2});
    expect(decodeEndTxnMarkerValue(Buffer.from('0000000000070000', 'hex'))).toEqual({version: 0, coordinatorEpoch: 7});
    expect(controlRecordTypeName(1)).toBe('COMMIT');
    expect(controlRecordTypeName(0)).toBe('ABORT');
    expect(controlRecordTypeName(99)).toBe('UNKNOWN');
  });

  it('rejects short, null and negative-version keys and values', () => {
    expect(() => decodeControlKey(null)).toThrow(CorruptRecordError);
    expect(() => decodeControlKey(Buffer.from('0000', 'hex'))).toThrow(/expected at least 4/);
    expect(() => decodeControlKey(Buffer.from('ffff0001', 'hex'))).toThrow(/negative control record key version/);
    expect(() => decodeEndTxnMarkerValue(Buffer.from('00000000', 'hex'))).toThrow(/expected at least 6/);
  });

  it('builds a transactional control batch with one marker', async () => {
    const buf = await encodeEndTxnMarkerBatch({producerId: 1000n, producerEpoch: 3, commit: true, coordinatorEpoch: 2, baseOffset: 17n, timestamp: 1234n});
    const {header, records} = await decodeBatch(buf);
    expect(header.attributes & (ATTR_CONTROL | ATTR_TRANSACTIONAL)).toBe(ATTR_CONTROL | ATTR_TRANSACTIONAL);
    expect(header).toMatchObject({producerId: 1000n, producerEpoch: 3, baseSequence: -1, recordCount: 1, baseOffset: 17n});
    expect(records).toHaveLength(1);
    expect(decodeControlKey(records[0]!.key)).toEqual({version: 0, type: ControlRecordType.Commit});
    expect(decodeEndTxnMarkerValue(records[0]!.value)).toEqual({version: 0, coordinatorEpoch: 2});
    expect(records[0]!.timestamp).toBe(1234n);
    const abort = await decodeBatch(await encodeEndTxnMarkerBatch({producerId: 1n, producerEpoch: 0, commit: false, coordinatorEpoch: 0}));
    expect(decodeControlKey(abort.records[0]!.key).type).toBe(ControlRecordType.Abort);
  });
});
