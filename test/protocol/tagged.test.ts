import {describe, expect, it} from 'vitest';
import {
  decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse,
} from '../../src/protocol/api.js';

const partition = (extra: object) => ({partitionIndex: 0, errorCode: 0, highWatermark: 5n, records: null, ...extra});
const fetchResponse = (extra: object, top: object = {}) => ({responses: [{topic: 't', partitions: [partition(extra)]}], ...top});

describe('tagged fields', () => {
  it('a non-default tagged struct is written and decoded', () => {
    const bytes = encodeResponse(1, 12, 1, fetchResponse({currentLeader: {leaderId: 3, leaderEpoch: 7}}));
    const p = decodeResponse(1, 12, bytes.subarray(4)).body.responses[0].partitions[0];
    expect(p.currentLeader).toEqual({leaderId: 3, leaderEpoch: 7});
    expect(p.divergingEpoch).toEqual({epoch: -1, endOffset: -1n});
    expect(p.snapshotId).toEqual({endOffset: -1n, epoch: -1});
  });

  it('a tagged struct equal to its default is left out, as Kafka does', () => {
    const omitted = encodeResponse(1, 12, 1, fetchResponse({}));
    const defaulted = encodeResponse(1, 12, 1, fetchResponse({currentLeader: {leaderId: -1, leaderEpoch: -1}}));
    const set = encodeResponse(1, 12, 1, fetchResponse({currentLeader: {leaderId: 1, leaderEpoch: -1}}));
    expect(defaulted.equals(omitted)).toBe(true);
    // tag 1 + size 1 + struct (int32 + int32 + empty tag section) + count byte already present
    expect(set.length - omitted.length).toBe(1 + 1 + 9);
  });

  it('a top-level tagged array is written only when non-empty', () => {
    const none = encodeResponse(1, 16, 1, fetchResponse({}, {nodeEndpoints: []}));
    const some = encodeResponse(1, 16, 1, fetchResponse({}, {nodeEndpoints: [{nodeId: 1, host: 'h', port: 9092, rack: null}]}));
    expect(none.equals(encodeResponse(1, 16, 1, fetchResponse({})))).toBe(true);
    expect(decodeResponse(1, 16, some.subarray(4)).body.nodeEndpoints).toEqual([{nodeId: 1, host: 'h', port: 9092, rack: null}]);
    expect(decodeResponse(1, 16, none.subarray(4)).body.nodeEndpoints).toEqual([]);
  });

  it('tagged fields are not part of non-flexible versions', () => {
    const v11 = encodeResponse(1, 11, 1, fetchResponse({currentLeader: {leaderId: 3, leaderEpoch: 7}}));
    expect(decodeResponse(1, 11, v11.subarray(4)).body.responses[0].partitions[0].currentLeader).toEqual({leaderId: -1, leaderEpoch: -1});
  });

  it('unknown tagged fields in the body and the header are skipped', () => {
    const known = encodeRequest(18, 3, 1, 'c', {clientSoftwareName: 'n', clientSoftwareVersion: 'v'});
    // Replace the header's empty tag section (after client id) and the body's with unknown tags.
    const f = Buffer.from(known.subarray(4));
    const headerEnd = 2 + 2 + 4 + 2 + 1; // key, version, correlation id, client id "c"
    const withTags = Buffer.concat([
      f.subarray(0, headerEnd), Buffer.from('01' + '05' + '02' + 'beef', 'hex'),
      f.subarray(headerEnd + 1, f.length - 1), Buffer.from('02' + '07' + '01' + 'aa' + '63' + '00', 'hex'),
    ]);
    const {header, bodyOffset} = decodeRequestHeader(withTags);
    expect(header.clientId).toBe('c');
    expect(decodeRequest(18, 3, withTags, bodyOffset)).toEqual({clientSoftwareName: 'n', clientSoftwareVersion: 'v'});
  });

  it('a known tag whose size runs past the frame is a ProtocolError', () => {
    const known = encodeRequest(18, 3, 1, 'c', {clientSoftwareName: 'n', clientSoftwareVersion: 'v'});
    const f = Buffer.concat([known.subarray(4, known.length - 1), Buffer.from('01' + '00' + '09' + 'aa', 'hex')]);
    const {bodyOffset} = decodeRequestHeader(f);
    expect(() => decodeRequest(18, 3, f, bodyOffset)).toThrow(/tagged field/);
  });
});
