import {describe, expect, it} from 'vitest';
import {
  decodeData, decodeRequest, decodeRequestHeader, decodeResponse, encodeData, encodeRequest, encodeResponse,
  ProtocolError, UnsupportedVersionError,
} from '../../src/protocol/api.js';
import {MESSAGES} from '../../src/protocol/generated/schemas.js';
import {sampleMessage} from './sample.js';

const schema = (name: string) => MESSAGES.find((m) => m.name === name)!;

describe('truncated input', () => {
  const cases: [string, number][] = [['ProduceRequest', 9], ['ProduceRequest', 3], ['FetchRequest', 15], ['MetadataRequest', 12]];
  for (const [name, v] of cases) {
    it(`every strict prefix of a ${name} v${v} body is a ProtocolError`, () => {
      const m = schema(name);
      const full = encodeRequest(m.apiKey!, v, 1, 'c', sampleMessage(m, v, 'values')).subarray(4);
      const {bodyOffset} = decodeRequestHeader(full);
      for (let end = bodyOffset; end < full.length; end++) {
        expect(() => decodeRequest(m.apiKey!, v, full.subarray(0, end), bodyOffset), `cut at ${end}`).toThrow(ProtocolError);
      }
    });
  }

  it('every strict prefix of a FetchResponse v16 and a MetadataResponse v12 is a ProtocolError', () => {
    for (const [name, v] of [['FetchResponse', 16], ['MetadataResponse', 12]] as const) {
      const m = schema(name);
      const full = encodeResponse(m.apiKey!, v, 1, sampleMessage(m, v, 'values')).subarray(4);
      for (let end = 0; end < full.length; end++) {
        expect(() => decodeResponse(m.apiKey!, v, full.subarray(0, end)), `${name} cut at ${end}`).toThrow(ProtocolError);
      }
    }
  });

  it('a request header cut short is a ProtocolError', () => {
    expect(() => decodeRequestHeader(Buffer.from('000300010000', 'hex'))).toThrow(ProtocolError);
    expect(() => decodeRequestHeader(Buffer.from('0003000100000001000a6162', 'hex'))).toThrow(ProtocolError);
  });
});

describe('hostile lengths', () => {
  it('an array count of 2^31-1 in a tiny frame is rejected without allocating', () => {
    const f = Buffer.from('0003000100000001ffff7fffffff', 'hex'); // Metadata v1, null client id, topics count 2^31-1
    const {bodyOffset} = decodeRequestHeader(f);
    expect(() => decodeRequest(3, 1, f, bodyOffset)).toThrow(/elements/);
  });

  it('a negative non-null length is rejected', () => {
    const f = Buffer.from('0003000100000001fffffffffffe', 'hex'); // topics count -2
    const {bodyOffset} = decodeRequestHeader(f);
    expect(() => decodeRequest(3, 1, f, bodyOffset)).toThrow(ProtocolError);
  });
});

describe('unsupported api keys and versions', () => {
  it('decodeRequest throws UnsupportedVersionError', () => {
    expect(() => decodeRequest(999, 0, Buffer.alloc(0), 0)).toThrow(UnsupportedVersionError);
    expect(() => decodeRequest(18, 99, Buffer.alloc(0), 0)).toThrow(UnsupportedVersionError);
    expect(() => encodeResponse(3, 13, 1, {})).toThrow(UnsupportedVersionError);
  });

  it('data schemas check name and version', () => {
    expect(() => encodeData('NoSuchSchema', 0, {})).toThrow(ProtocolError);
    expect(() => decodeData('OffsetCommitKey', 9, Buffer.alloc(10))).toThrow(UnsupportedVersionError);
  });
});

describe('encoding errors name the field', () => {
  it('null in a non-nullable field', () => {
    expect(() => encodeResponse(3, 1, 1, {brokers: [], topics: [{errorCode: 0, name: null, partitions: []}]}))
      .toThrow(/MetadataResponse v1: field topics\.name: is null but not nullable/);
  });

  it('wrong value types', () => {
    expect(() => encodeResponse(3, 1, 1, {brokers: 'x'})).toThrow(/field brokers: expected an array/);
    expect(() => encodeRequest(0, 9, 1, null, {topicData: [{name: 't', partitionData: [{index: 0, records: 'abc'}]}]}))
      .toThrow(/topicData\.partitionData\.records: expected a Buffer/);
    expect(() => encodeResponse(1, 13, 1, {responses: [{topicId: 'nope', partitions: []}]})).toThrow(/topicId: invalid uuid/);
  });

  it('numbers are accepted for int64 fields', () => {
    const bytes = encodeResponse(2, 1, 1, {topics: [{name: 't', partitions: [{partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 42}]}]});
    expect(decodeResponse(2, 1, bytes.subarray(4)).body.topics[0].partitions[0].offset).toBe(42n);
  });
});

describe('data schemas for __consumer_offsets', () => {
  it('OffsetCommitValue v3 round-trips without a version prefix', () => {
    const value = {offset: 10n, leaderEpoch: 2, metadata: '', commitTimestamp: 1700000000000n};
    const bytes = encodeData('OffsetCommitValue', 3, value);
    // int64 offset, int32 leader epoch, int16-length metadata, int64 commit timestamp
    expect(bytes.length).toBe(8 + 4 + 2 + 8);
    expect(decodeData('OffsetCommitValue', 3, bytes)).toMatchObject(value);
  });

  it('decodeData reads at an offset', () => {
    const key = encodeData('OffsetCommitKey', 1, {group: 'g', topic: 't', partition: 3});
    const withVersion = Buffer.concat([Buffer.from('0001', 'hex'), key]);
    expect(decodeData('OffsetCommitKey', 1, withVersion, 2)).toEqual({group: 'g', topic: 't', partition: 3});
  });
});
