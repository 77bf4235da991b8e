import {describe, expect, it} from 'vitest';
import {parseDelimiter, parseHeaders, readRecords, splitStream, toInputRecord} from '../../../src/ops/produce/input.js';

async function* chunks(...parts: Array<string | Buffer>): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.isBuffer(p) ? p : Buffer.from(p);
}

async function split(delimiter: string, ...parts: Array<string | Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of splitStream(chunks(...parts), parseDelimiter(delimiter))) out.push(piece.toString());
  return out;
}

describe('parseDelimiter', () => {
  it('understands escapes and takes everything else literally', () => {
    expect(parseDelimiter('\\n')).toEqual(Buffer.from([0x0a]));
    expect(parseDelimiter('\\r\\n')).toEqual(Buffer.from([0x0d, 0x0a]));
    expect(parseDelimiter('\\0')).toEqual(Buffer.from([0]));
    expect(parseDelimiter('\\x1e')).toEqual(Buffer.from([0x1e]));
    expect(parseDelimiter('||')).toEqual(Buffer.from('||'));
    expect(parseDelimiter('é')).toEqual(Buffer.from('é'));
    expect(parseDelimiter('')).toEqual(Buffer.alloc(0));
  });

  it('rejects an unknown escape', () => {
    expect(() => parseDelimiter('\\q')).toThrow(/unknown escape "\\q"/);
  });
});

describe('splitStream', () => {
  it('ends the last record at a final delimiter and keeps empty records in between', async () => {
    expect(await split('\\n', 'a\n\nb\n')).toEqual(['a', '', 'b']);
    expect(await split('\\n', 'a\nb')).toEqual(['a', 'b']);
    expect(await split('\\n', '')).toEqual([]);
  });

  it('finds delimiters split across chunks and records spanning many chunks', async () => {
    expect(await split('\\r\\n', 'one\r', '\ntw', 'o\r', '\n', 'three')).toEqual(['one', 'two', 'three']);
    expect(await split('::', 'a:', ':b:', ':c')).toEqual(['a', 'b', 'c']);
    expect(await split('::', 'a:::b')).toEqual(['a', ':b']);
  });

  it('makes the whole input one record with an empty delimiter, even an empty input', async () => {
    expect(await split('', 'a\nb', '\nc\n')).toEqual(['a\nb\nc\n']);
    expect(await split('', '')).toEqual(['']);
  });

  it('passes bytes through untouched', async () => {
    const binary = Buffer.from([0xff, 0xfe, 0x0a, 0x00, 0x80]);
    const out: Buffer[] = [];
    for await (const piece of splitStream(chunks(binary), Buffer.from([0x00]))) out.push(piece);
    expect(out).toEqual([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from([0x80])]);
  });
});

describe('keys and headers', () => {
  it('splits key and value at the first key delimiter; a piece without it has no key', () => {
    const opts = {keyDelimiter: Buffer.from(':')};
    expect(toInputRecord(Buffer.from('k:v:w'), 1, opts)).toEqual({index: 1, key: Buffer.from('k'), value: Buffer.from('v:w')});
    expect(toInputRecord(Buffer.from(':v'), 2, opts)).toEqual({index: 2, key: Buffer.alloc(0), value: Buffer.from('v')});
    expect(toInputRecord(Buffer.from('plain'), 3, opts)).toEqual({index: 3, key: null, value: Buffer.from('plain')});
    expect(toInputRecord(Buffer.from('x'), 4, {fixedKey: Buffer.from('K')})).toEqual({index: 4, key: Buffer.from('K'), value: Buffer.from('x')});
  });

  it('numbers records from 1 for messages', async () => {
    const got = [];
    for await (const r of readRecords(chunks('a\nb\n'), Buffer.from('\n'), {})) got.push(r.index);
    expect(got).toEqual([1, 2]);
  });

  it('parses -H key=value, allowing = in values and empty values, rejecting a missing =', () => {
    expect(parseHeaders(['a=1', 'b=x=y', 'c='])).toEqual([
      {key: 'a', value: Buffer.from('1')}, {key: 'b', value: Buffer.from('x=y')}, {key: 'c', value: Buffer.alloc(0)},
    ]);
    expect(() => parseHeaders(['novalue'])).toThrow(/invalid header "novalue"/);
    expect(() => parseHeaders(['=v'])).toThrow(/invalid header/);
  });
});
