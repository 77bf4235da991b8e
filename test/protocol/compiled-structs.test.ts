/**
 * The decoder and encoder made for a struct once it has been used COMPILE_AFTER times (codec.ts
 * compileDecoder, compileEncoder) behave as the generic loops before them: same objects (absent
 * fields at their defaults), same bytes, the same conversions of values of another type, the same
 * errors naming the field; and a struct whose field names are not identifiers keeps the generic
 * loops. Each check runs COMPILE_AFTER + 2 times on a fresh schema, so both ways are checked.
 */
import {describe, expect, it} from 'vitest';
import {COMPILE_AFTER, decodeMessage, encodeMessage} from '../../src/protocol/codec.js';
import {Reader} from '../../src/protocol/reader.js';
import {Writer} from '../../src/protocol/writer.js';
import type {FieldSchema, MessageSchema} from '../../src/protocol/schema.js';

function schema(fields: FieldSchema[]): MessageSchema {
  return {name: 'TestData', type: 'data', validVersions: [0, 1], flexibleVersions: [1, 1], fields};
}

const FIELDS: FieldSchema[] = [
  {name: 'small', type: 'int8', versions: [0, 1]},
  {name: 'code', type: 'int16', versions: [0, 1]},
  {name: 'count', type: 'int32', versions: [0, 1]},
  {name: 'offset', type: 'int64', versions: [0, 1]},
  {name: 'flag', type: 'bool', versions: [0, 1]},
  {name: 'label', type: 'string', versions: [0, 1], nullable: [0, 1]},
  {name: 'items', type: 'struct', array: true, versions: [0, 1], fields: [
    {name: 'index', type: 'int32', versions: [0, 1]},
    {name: 'note', type: 'string', versions: [1, 1], default: 'none'},
  ]},
  {name: 'later', type: 'int32', versions: [1, 1], default: '-1'},
  {name: 'tagged', type: 'int32', versions: [1, 1], tagged: [1, 1], tag: 0, default: '7'},
];

function encodeOnce(s: MessageSchema, version: number, obj: object): Buffer {
  const w = new Writer();
  encodeMessage(s, version, obj, w);
  return w.finish();
}

/**
 * `run` COMPILE_AFTER + 2 times: the same result by the generic loops and by the made functions;
 * returns the last, the made functions' (objects with their keys in the same order).
 */
function everyWay<T>(run: () => T): T {
  const first = run();
  let last = first;
  for (let i = 0; i < COMPILE_AFTER + 1; i++) {
    last = run();
    expect(last).toEqual(first);
    if (typeof last === 'object' && last !== null) expect(Object.keys(last)).toEqual(Object.keys(first));
  }
  return last;
}

const encode = (s: MessageSchema, version: number, obj: object) => everyWay(() => encodeOnce(s, version, obj));
const decode = (s: MessageSchema, version: number, bytes: Buffer) => everyWay(() => decodeMessage(s, version, new Reader(bytes)));

/** That encoding `obj` throws `message` every time, by the generic loop and by the made function. */
function expectEncodeError(s: MessageSchema, obj: object, message: RegExp): void {
  encodeOnce(s, 1, value); // the same plans as the failing calls
  for (let i = 0; i < COMPILE_AFTER + 2; i++) expect(() => encodeOnce(s, 1, obj)).toThrow(message);
}

const value = {small: -3, code: 700, count: -70000, offset: 1n << 40n, flag: true, label: null, items: [{index: 1, note: 'a'}, {index: 2, note: 'b'}], later: 9, tagged: 8};

describe('compiled struct codecs', () => {
  it('decode what they encode, absent fields at their defaults, fields in schema order', () => {
    const s = schema(FIELDS);
    const v1 = decode(s, 1, encode(s, 1, value));
    expect(v1).toEqual(value);
    expect(Object.keys(v1)).toEqual(['small', 'code', 'count', 'offset', 'flag', 'label', 'items', 'later', 'tagged']);
    // v0 has no `later`, no `note` and no tagged section: they decode as their defaults.
    const v0 = decode(s, 0, encode(s, 0, value));
    expect(v0).toEqual({...value, items: [{index: 1, note: 'none'}, {index: 2, note: 'none'}], later: -1, tagged: 7});
  });

  it('convert values of another type as writeField does, and fill in missing ones', () => {
    const s = schema(FIELDS);
    const loose = {...value, small: '-3', code: 700.0, count: '-70000', offset: 2 ** 40, flag: 1};
    expect(encode(s, 1, loose).equals(encode(s, 1, value))).toBe(true);
    const {later: _later, tagged: _tagged, ...missing} = value;
    expect(decode(s, 1, encode(s, 1, missing))).toEqual({...value, later: -1, tagged: 7});
  });

  it('name the field of a value that does not fit it', () => {
    expectEncodeError(schema(FIELDS), {...value, count: 2 ** 31}, /cannot encode TestData v1: field count: /);
    expectEncodeError(schema(FIELDS), {...value, code: 40000}, /field code: /);
    expectEncodeError(schema(FIELDS), {...value, items: [{index: -(2 ** 31) - 1}]}, /field items\.index: /);
  });

  it('keep the generic loops for field names that are not identifiers', () => {
    const s = schema([{name: 'not-an-identifier', type: 'int32', versions: [0, 1]}, {name: 'x', type: 'int16', versions: [0, 1]}]);
    const bytes = encode(s, 1, {'not-an-identifier': 5, x: 6});
    expect([...bytes]).toEqual([0, 0, 0, 5, 0, 6, 0]);
    expect(decode(s, 1, bytes)).toEqual({'not-an-identifier': 5, x: 6});
  });
});
