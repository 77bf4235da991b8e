import {describe, expect, it} from 'vitest';
import {compileFormat, recordView, recordWriter} from '../../../src/ops/consume/format.js';
import type {ConsumedRecord} from '../../../src/ops/consume/record.js';

const rec: ConsumedRecord = {
  topic: 'orders', partition: 2, offset: 42n, timestamp: 1714564800000n, timestampType: 'create',
  key: Buffer.from('k1'), value: Buffer.from([0x68, 0x69, 0xff]),
  headers: [{key: 'a', value: Buffer.from('1')}, {key: 'b', value: null}],
};

describe('compileFormat (kcat -f tokens)', () => {
  it('renders every token', () => {
    const f = compileFormat('%t|%p|%o|%T|%k|%K|%S|%h|%%\\n', 'utf8');
    expect(f(rec).toString('latin1')).toBe('orders|2|42|1714564800000|k1|2|3|a=1,b=|%\n');
  });

  it('writes raw bytes with utf8 and text with base64 or hex', () => {
    expect(compileFormat('%s', 'utf8')(rec)).toEqual(Buffer.from([0x68, 0x69, 0xff]));
    expect(compileFormat('%s', 'base64')(rec).toString()).toBe('aGn/');
    expect(compileFormat('%k:%s', 'hex')(rec).toString()).toBe('6b31:6869ff');
  });

  it('prints nothing for null keys and values, and -1 as their length', () => {
    const r = {...rec, key: null, value: null};
    expect(compileFormat('[%k][%s]%K,%S', 'utf8')(r).toString()).toBe('[][]-1,-1');
  });

  it('frames values with %R as a big-endian int32 length', () => {
    expect(compileFormat('%R%s', 'utf8')(rec)).toEqual(Buffer.from([0, 0, 0, 3, 0x68, 0x69, 0xff]));
  });

  it('understands escapes and rejects unknown tokens and escapes', () => {
    expect(compileFormat('\\t\\0\\x41\\\\', 'utf8')(rec)).toEqual(Buffer.from([0x09, 0x00, 0x41, 0x5c]));
    expect(() => compileFormat('%z', 'utf8')).toThrow(/unknown format token %z/);
    expect(() => compileFormat('\\q', 'utf8')).toThrow(/unknown escape \\q/);
  });
});

describe('JSON and YAML records', () => {
  it('is one JSON object per line with every field', () => {
    const line = recordWriter('json', '', 'base64')(rec).toString();
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line)).toEqual({
      topic: 'orders', partition: 2, offset: 42, timestamp: 1714564800000, timestampType: 'create',
      key: 'azE=', value: 'aGn/', headers: [{key: 'a', value: 'MQ=='}, {key: 'b', value: null}],
    });
  });

  it('keeps offsets beyond 2^53 exact as strings', () => {
    const big = recordView({...rec, offset: 2n ** 60n}, 'utf8');
    expect(JSON.parse(recordWriter('json', '', 'utf8')({...rec, offset: 2n ** 60n}).toString()).offset).toBe((2n ** 60n).toString());
    expect(big.offset).toBe(2n ** 60n);
  });

  it('is one YAML document per record', () => {
    expect(recordWriter('yaml', '', 'utf8')({...rec, value: Buffer.from('v')}).toString()).toMatch(/^---\ntopic: orders\npartition: 2\noffset: 42\n[\s\S]*value: v\n/);
  });
});
