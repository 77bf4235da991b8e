/**
 * Key/value decoders (Kafka's --key-decoder-class/--value-decoder-class; StringDecoder is the
 * default): how record bytes become the text after `key:` and `payload:`.
 */
import type {ValueDecoderName} from './options.js';

export type BytesDecoder = (bytes: Buffer) => string;

/**
 * `json` prints valid JSON compactly on one line and anything else as UTF-8 text. Whitespace is
 * removed outside strings instead of re-serialising, so big integers keep every digit.
 */
function decodeJson(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') {
      out += c;
    }
  }
  return out;
}

export function bytesDecoder(name: ValueDecoderName): BytesDecoder {
  switch (name) {
    case 'string': return (b) => b.toString('utf8');
    case 'hex': return (b) => b.toString('hex');
    case 'base64': return (b) => b.toString('base64');
    case 'json': return decodeJson;
  }
}
