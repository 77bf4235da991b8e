import {describe, expect, it} from 'vitest';
import {
  decodeData, decodeRequest, decodeRequestHeader, decodeResponse, encodeData, encodeRequest, encodeResponse,
} from '../../src/protocol/api.js';
import {MESSAGES} from '../../src/protocol/generated/schemas.js';
import {COMPILE_AFTER} from '../../src/protocol/codec.js';
import type {MessageSchema} from '../../src/protocol/schema.js';
import {project, sampleMessage, type Variant} from './sample.js';

function versions(m: MessageSchema): number[] {
  const out: number[] = [];
  for (let v = m.validVersions[0]; v <= m.validVersions[1]; v++) out.push(v);
  return out;
}

/** Encodes `body`, decodes it back and re-encodes the decoded object; returns both. */
function roundTrip(m: MessageSchema, v: number, body: object): {decoded: any; bytes: Buffer; again: Buffer} {
  if (m.type === 'request') {
    const bytes = encodeRequest(m.apiKey!, v, 42, 'kstream-test', body);
    expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
    const frame = bytes.subarray(4);
    const {header, bodyOffset} = decodeRequestHeader(frame);
    expect(header).toEqual({apiKey: m.apiKey, apiVersion: v, correlationId: 42, clientId: m.apiKey === 7 && v === 0 ? null : 'kstream-test'});
    const decoded = decodeRequest(m.apiKey!, v, frame, bodyOffset);
    return {decoded, bytes, again: encodeRequest(m.apiKey!, v, 42, 'kstream-test', decoded)};
  }
  if (m.type === 'response') {
    const bytes = encodeResponse(m.apiKey!, v, 99, body);
    expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
    const {correlationId, body: decoded} = decodeResponse(m.apiKey!, v, bytes.subarray(4));
    expect(correlationId).toBe(99);
    return {decoded, bytes, again: encodeResponse(m.apiKey!, v, 99, decoded)};
  }
  const bytes = encodeData(m.name, v, body);
  const decoded = decodeData(m.name, v, bytes);
  return {decoded, bytes, again: encodeData(m.name, v, decoded)};
}

/** One test per message: `check` for each valid version and each variant of its sample body. */
function forEverySample(check: (m: MessageSchema, v: number, variant: Variant, body: object) => void): void {
  for (const m of MESSAGES) {
    it(`${m.name} v${m.validVersions[0]}-${m.validVersions[1]}`, () => {
      for (const v of versions(m)) {
        for (const variant of ['values', 'nulls'] as Variant[]) check(m, v, variant, sampleMessage(m, v, variant));
      }
    });
  }
}

describe('every message at every valid version round-trips', () => {
  forEverySample((m, v, variant, body) => {
    const {decoded, bytes, again} = roundTrip(m, v, body);
    expect(project(decoded, body), `${m.name} v${v} ${variant}`).toEqual(body);
    expect(again.equals(bytes), `${m.name} v${v} ${variant} re-encodes identically`).toBe(true);
  });
});

describe('every message at every valid version round-trips the same once its structs have their own codec', () => {
  // The first COMPILE_AFTER uses of a struct go through the generic loops, later ones through the
  // decoder and encoder made for it (codec.ts): the same bytes and the same objects, keys in order.
  const json = (x: unknown) => JSON.stringify(x, (_k, y) => (typeof y === 'bigint' ? `${y}n` : y));
  forEverySample((m, v, variant, body) => {
    const first = roundTrip(m, v, body);
    for (let i = 0; i <= COMPILE_AFTER; i++) {
      const {decoded, bytes, again} = roundTrip(m, v, body);
      expect(bytes.equals(first.bytes), `${m.name} v${v} ${variant}: the same bytes`).toBe(true);
      expect(again.equals(first.again), `${m.name} v${v} ${variant}: the same bytes again`).toBe(true);
      expect(decoded, `${m.name} v${v} ${variant}: the same object`).toStrictEqual(first.decoded);
      expect(json(decoded), `${m.name} v${v} ${variant}: keys in the same order`).toBe(json(first.decoded));
    }
  });
});

describe('defaults', () => {
  it('an empty object encodes to the defaults and decodes with every field filled in', () => {
    const bytes = encodeResponse(1, 12, 1, {});
    const {body} = decodeResponse(1, 12, bytes.subarray(4));
    expect(body).toStrictEqual({throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [], nodeEndpoints: []});
  });

  it('fields absent in a version decode as their schema default', () => {
    const frame = encodeRequest(1, 3, 1, null, {replicaId: -1, maxWaitMs: 500, minBytes: 1, topics: [{topic: 't', partitions: [{partition: 0, fetchOffset: 5n, partitionMaxBytes: 100}]}]});
    const {bodyOffset} = decodeRequestHeader(frame.subarray(4));
    const req = decodeRequest(1, 3, frame.subarray(4), bodyOffset);
    expect(req.isolationLevel).toBe(0);
    expect(req.sessionEpoch).toBe(-1);
    expect(req.rackId).toBe('');
    expect(req.topics[0].partitions[0].logStartOffset).toBe(-1n);
    expect(req.topics[0].partitions[0].currentLeaderEpoch).toBe(-1);
    expect(req.topics[0].topicId).toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('decoded default arrays are not shared between decodes', () => {
    const bytes = encodeResponse(1, 0, 1, {});
    const a = decodeResponse(1, 0, bytes.subarray(4)).body;
    a.responses.push({});
    const b = decodeResponse(1, 0, bytes.subarray(4)).body;
    expect(b.responses).toEqual([]);
  });
});
