/**
 * Turning stdin into records: split on a delimiter (a newline unless told otherwise), optionally
 * split each piece into key and value (kcat's -K). Bytes stay bytes: nothing is decoded, trimmed
 * or re-encoded, so what is produced is exactly what was read.
 */
import {UsageError} from '../../output/errors.js';

export interface InputRecord {
  /** 1-based position in the input, for messages. */
  index: number;
  key: Buffer | null;
  value: Buffer;
}

const ESCAPES: Record<string, number> = {n: 0x0a, r: 0x0d, t: 0x09, '0': 0x00, '\\': 0x5c};

/**
 * A delimiter as typed on a command line: `\n`, `\r\n`, `\t`, `\0` (NUL, for `find -print0`),
 * `\\` and `\xHH` are understood, anything else is taken literally. An empty delimiter makes the
 * whole input one record.
 */
export function parseDelimiter(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\' || i === text.length - 1) {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = text[i + 1]!;
    if (next in ESCAPES) {
      bytes.push(ESCAPES[next]!);
      i++;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      throw new UsageError(`unknown escape "\\${next}" in delimiter "${text}"`, 'Use \\n, \\r, \\t, \\0, \\\\ or \\xHH');
    }
  }
  return Buffer.from(bytes);
}

/**
 * The pieces of a byte stream between delimiters. A delimiter at the very end terminates the
 * last piece rather than starting an empty one (a file whose last line ends in a newline has as
 * many records as lines); empty pieces in between are empty records.
 */
export async function* splitStream(input: AsyncIterable<Buffer | string>, delimiter: Buffer): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (delimiter.length === 0) {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      continue;
    }
    // Search only the new bytes (plus a delimiter's worth of overlap) for the next delimiter.
    let searchFrom = Math.max(0, pending.length - delimiter.length + 1);
    let buf = pending.length === 0 ? data : Buffer.concat([pending, data]);
    let start = 0;
    for (;;) {
      const at = buf.indexOf(delimiter, Math.max(start, searchFrom));
      if (at < 0) break;
      yield buf.subarray(start, at);
      start = at + delimiter.length;
      searchFrom = start;
    }
    buf = buf.subarray(start);
    // Copy the tail so the chunk it came from can be freed.
    pending = Buffer.from(buf);
  }
  if (pending.length > 0 || delimiter.length === 0) yield pending;
}

export interface KeyOptions {
  /** The same key for every record. */
  fixedKey?: Buffer;
  /** Split each piece at the first occurrence: key before, value after. */
  keyDelimiter?: Buffer;
}

/** Key and value of one piece; without the key delimiter in it, the whole piece is the value. */
export function toInputRecord(piece: Buffer, index: number, options: KeyOptions): InputRecord {
  if (options.keyDelimiter && options.keyDelimiter.length > 0) {
    const at = piece.indexOf(options.keyDelimiter);
    if (at >= 0) return {index, key: piece.subarray(0, at), value: piece.subarray(at + options.keyDelimiter.length)};
    return {index, key: null, value: piece};
  }
  return {index, key: options.fixedKey ?? null, value: piece};
}

export async function* readRecords(input: AsyncIterable<Buffer | string>, delimiter: Buffer, options: KeyOptions): AsyncGenerator<InputRecord> {
  let index = 0;
  for await (const piece of splitStream(input, delimiter)) yield toInputRecord(piece, ++index, options);
}

/** `-H key=value` flags; the value may be empty (`k=`) and may itself contain `=`. */
export function parseHeaders(pairs: string[]): Array<{key: string; value: Buffer}> {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`invalid header "${pair}"`, 'Expected -H key=value');
    return {key: pair.slice(0, at), value: Buffer.from(pair.slice(at + 1), 'utf8')};
  });
}
