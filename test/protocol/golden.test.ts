/**
 * Golden bytes built by hand from Kafka's protocol spec for requests as real clients send them.
 */
import {describe, expect, it} from 'vitest';
import {
  ApiKey, decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse, encodeResponseChunks,
} from '../../src/protocol/api.js';

const frame = (hexBody: string): Buffer => {
  const body = Buffer.from(hexBody.replace(/\s+/g, ''), 'hex');
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
};
const ascii = (s: string): string => Buffer.from(s).toString('hex');

describe('ApiVersions v3 request as librdkafka sends it', () => {
  // Header v2: api key 18, version 3, correlation id 1, client id "rdkafka" (int16 length), no tags.
  // Body: compact strings "librdkafka" and "2.3.0", no tags.
  const bytes = frame(`0012 0003 00000001 0007 ${ascii('rdkafka')} 00
    0b ${ascii('librdkafka')} 06 ${ascii('2.3.0')} 00`);

  it('decodes', () => {
    const {header, bodyOffset} = decodeRequestHeader(bytes.subarray(4));
    expect(header).toEqual({apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka'});
    expect(decodeRequest(18, 3, bytes.subarray(4), bodyOffset))
      .toEqual({clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.3.0'});
  });

  it('encodes to the same bytes', () => {
    const ours = encodeRequest(ApiKey.ApiVersions, 3, 1, 'rdkafka', {clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.3.0'});
    expect(ours.toString('hex')).toBe(bytes.toString('hex'));
  });
});

describe('Metadata v1 request as kafkajs sends it', () => {
  // Header v1: api key 3, version 1, correlation id 2, client id "kafkajs"; body: int32 array of one string.
  const bytes = frame(`0003 0001 00000002 0007 ${ascii('kafkajs')} 00000001 000a ${ascii('test-topic')}`);

  it('decodes, filling in defaults of later versions', () => {
    const {header, bodyOffset} = decodeRequestHeader(bytes.subarray(4));
    expect(header).toEqual({apiKey: 3, apiVersion: 1, correlationId: 2, clientId: 'kafkajs'});
    const req = decodeRequest(3, 1, bytes.subarray(4), bodyOffset);
    expect(req.topics).toEqual([{name: 'test-topic', topicId: 'AAAAAAAAAAAAAAAAAAAAAA'}]);
    expect(req.allowAutoTopicCreation).toBe(true);
  });

  it('encodes to the same bytes', () => {
    expect(encodeRequest(3, 1, 2, 'kafkajs', {topics: [{name: 'test-topic'}]}).toString('hex')).toBe(bytes.toString('hex'));
  });

  it('null topics (all topics) is -1', () => {
    const all = frame(`0003 0001 00000002 0007 ${ascii('kafkajs')} ffffffff`);
    const {bodyOffset} = decodeRequestHeader(all.subarray(4));
    expect(decodeRequest(3, 1, all.subarray(4), bodyOffset).topics).toBeNull();
  });
});

describe('response headers', () => {
  it('ApiVersions v3 responses use header v0 (no tagged fields after the correlation id)', () => {
    const ours = encodeResponse(18, 3, 1, {errorCode: 0, apiKeys: [{apiKey: 0, minVersion: 0, maxVersion: 9}], throttleTimeMs: 0});
    expect(ours.toString('hex')).toBe(frame('00000001 0000 02 0000 0000 0009 00 00000000 00').toString('hex'));
    expect(decodeResponse(18, 3, ours.subarray(4)).body.apiKeys).toEqual([{apiKey: 0, minVersion: 0, maxVersion: 9}]);
  });

  it('flexible responses use header v1 (tagged fields after the correlation id)', () => {
    // Heartbeat v4 response: throttle time, error code, body tags.
    const ours = encodeResponse(ApiKey.Heartbeat, 4, 7, {throttleTimeMs: 5, errorCode: 27});
    expect(ours.toString('hex')).toBe(frame('00000007 00 00000005 001b 00').toString('hex'));
  });

  it('non-flexible responses use header v0', () => {
    const ours = encodeResponse(ApiKey.Heartbeat, 3, 7, {throttleTimeMs: 5, errorCode: 27});
    expect(ours.toString('hex')).toBe(frame('00000007 00000005 001b').toString('hex'));
  });
});

describe('request headers', () => {
  it('ControlledShutdown v0 uses header v0 (no client id)', () => {
    const ours = encodeRequest(ApiKey.ControlledShutdown, 0, 3, 'ignored', {brokerId: 1});
    expect(ours.toString('hex')).toBe(frame('0007 0000 00000003 00000001').toString('hex'));
    const {header, bodyOffset} = decodeRequestHeader(ours.subarray(4));
    expect(header.clientId).toBeNull();
    expect(decodeRequest(7, 0, ours.subarray(4), bodyOffset)).toMatchObject({brokerId: 1});
  });

  it('a null client id is int16 -1', () => {
    const ours = encodeRequest(ApiKey.Heartbeat, 0, 3, null, {groupId: 'g', generationId: 1, memberId: 'm'});
    expect(ours.subarray(12, 14).toString('hex')).toBe('ffff');
    expect(decodeRequestHeader(ours.subarray(4)).header.clientId).toBeNull();
  });

  it('reads the header of unknown api keys and versions so the server can answer UNSUPPORTED_VERSION', () => {
    const unknownKey = frame(`03e7 0000 0000000a 0002 ${ascii('me')} 0102`);
    expect(decodeRequestHeader(unknownKey.subarray(4))).toEqual({
      header: {apiKey: 999, apiVersion: 0, correlationId: 10, clientId: 'me'}, bodyOffset: 12,
    });
    // ApiVersions v127 from a future client: still a flexible version, so header v2.
    const future = frame(`0012 007f 0000000b 0002 ${ascii('me')} 00 0102`);
    const {header, bodyOffset} = decodeRequestHeader(future.subarray(4));
    expect(header).toEqual({apiKey: 18, apiVersion: 127, correlationId: 11, clientId: 'me'});
    expect(bodyOffset).toBe(13);
  });
});

describe('encodeResponseChunks', () => {
  it('yields the same bytes as encodeResponse, with large record sets referenced, not copied', () => {
    const records = Buffer.alloc(20000, 7);
    const body = {responses: [{topic: 't', partitions: [{partitionIndex: 0, highWatermark: 1n, records}]}]};
    const chunks = encodeResponseChunks(1, 11, 5, body);
    expect(Buffer.concat(chunks).equals(encodeResponse(1, 11, 5, body))).toBe(true);
    expect(chunks).toContain(records);
  });
});
