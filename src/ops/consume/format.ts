/**
 * Rendering consumed records: kcat-style format strings (-f) and one JSON object per line
 * (-o json) or one YAML document per record (-o yaml).
 *
 * Format tokens (as kcat's -f):
 *   %t topic   %p partition   %o offset   %T timestamp (epoch ms)   %k key   %s value
 *   %K key length (-1 for null)   %S value length (-1 for null)
 *   %R value length as a 4-byte big-endian integer (for framing binary output)
 *   %h headers as k=v,k=v   %%  a percent sign
 * Escapes: \n \r \t \0 \\ and \xHH. Keys, values and header values are written as raw bytes with
 * --encoding utf8 (byte-exact, as kcat), or as base64 / hex text.
 */
import {stringify as toYaml} from 'yaml';
import {UsageError} from '../../output/errors.js';
import {toJson} from '../../output/render.js';
import type {ConsumedRecord} from './record.js';

export const ENCODINGS = ['utf8', 'base64', 'hex'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const DEFAULT_FORMAT = '%s\\n';

type Part = Buffer | ((r: ConsumedRecord) => Buffer);

function encodeBytes(bytes: Buffer | null, encoding: Encoding): Buffer {
  if (bytes === null) return Buffer.alloc(0);
  return encoding === 'utf8' ? bytes : Buffer.from(bytes.toString(encoding));
}

const lengthOf = (b: Buffer | null) => Buffer.from(String(b === null ? -1 : b.length));

/** Compile a format string once into parts; the result renders one record to bytes. */
export function compileFormat(format: string, encoding: Encoding): (r: ConsumedRecord) => Buffer {
  const tokens: Record<string, (r: ConsumedRecord) => Buffer> = {
    t: (r) => Buffer.from(r.topic),
    p: (r) => Buffer.from(String(r.partition)),
    o: (r) => Buffer.from(r.offset.toString()),
    T: (r) => Buffer.from(r.timestamp.toString()),
    k: (r) => encodeBytes(r.key, encoding),
    s: (r) => encodeBytes(r.value, encoding),
    K: (r) => lengthOf(r.key),
    S: (r) => lengthOf(r.value),
    R: (r) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(r.value === null ? -1 : r.value.length);
      return b;
    },
    h: (r) => Buffer.concat(r.headers.flatMap((h, i) => [Buffer.from(`${i > 0 ? ',' : ''}${h.key}=`), encodeBytes(h.value, encoding)])),
  };
  const escapes: Record<string, number> = {n: 0x0a, r: 0x0d, t: 0x09, '0': 0x00, '\\': 0x5c};
  const parts: Part[] = [];
  let literal: number[] = [];
  const flush = () => {
    if (literal.length > 0) parts.push(Buffer.from(literal));
    literal = [];
  };
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    const next = format[i + 1];
    if (ch === '%' && next !== undefined) {
      if (next === '%') literal.push(0x25);
      else if (next in tokens) {
        flush();
        parts.push(tokens[next]!);
      } else throw new UsageError(`unknown format token %${next}`, 'Use %t %p %o %T %k %s %K %S %R %h or %%');
      i++;
    } else if (ch === '\\' && next !== undefined) {
      if (next in escapes) literal.push(escapes[next]!);
      else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(format.slice(i + 2, i + 4))) {
        literal.push(parseInt(format.slice(i + 2, i + 4), 16));
        i += 2;
      } else throw new UsageError(`unknown escape \\${next} in the format`, 'Use \\n \\r \\t \\0 \\\\ or \\xHH');
      i++;
    } else {
      literal.push(...Buffer.from(ch, 'utf8'));
    }
  }
  flush();
  return (r) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : p(r))));
}

/** The data form of a record (the stable JSON contract): bytes as text in the chosen encoding. */
export function recordView(r: ConsumedRecord, encoding: Encoding) {
  const text = (b: Buffer | null) => (b === null ? null : b.toString(encoding));
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: r.timestampType,
    key: text(r.key),
    value: text(r.value),
    headers: r.headers.map((h) => ({key: h.key, value: text(h.value)})),
  };
}

export type RecordWriter = (r: ConsumedRecord) => Buffer;

export function recordWriter(output: 'table' | 'json' | 'yaml', format: string, encoding: Encoding): RecordWriter {
  if (output === 'json') return (r) => Buffer.from(`${toJson(recordView(r, encoding), false)}\n`);
  if (output === 'yaml') return (r) => Buffer.from(`---\n${toYaml(JSON.parse(toJson(recordView(r, encoding), false)))}`);
  return compileFormat(format, encoding);
}
