/**
 * Parses Kafka's JSON message definitions (JSON with `//` comments) into the schema model of
 * src/protocol/schema.ts: version ranges parsed, names lower-camel-cased, commonStructs inlined
 * so every struct field carries its own fields.
 */
import {MAX_VERSION, type FieldSchema, type MessageSchema, type PrimitiveType, type VersionRange} from '../schema.js';

const PRIMITIVES = new Set<string>([
  'bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'uuid', 'records',
]);

/** A parsed field plus its "about" text, which goes into the generated types, not the table. */
export interface ModelField extends FieldSchema {
  readonly about?: string;
  readonly fields?: readonly ModelField[];
}

export interface ModelMessage extends MessageSchema {
  readonly fields: readonly ModelField[];
}

/** Removes `//` comments outside string literals. */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

/** "0+", "3-7", "5", "none" -> range, or null for "none". */
export function parseVersions(spec: unknown, where: string): VersionRange | null {
  if (typeof spec !== 'string') throw new Error(`${where}: version spec must be a string, got ${JSON.stringify(spec)}`);
  const s = spec.trim();
  if (s === 'none') return null;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return [Number(m[1]), MAX_VERSION];
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    if (hi < lo) throw new Error(`${where}: empty version range "${spec}"`);
    return [lo, hi];
  }
  if (/^\d+$/.test(s)) return [Number(s), Number(s)];
  throw new Error(`${where}: invalid version spec "${spec}"`);
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number | string;
  flexibleVersions?: string;
  default?: string | number | boolean;
  ignorable?: boolean;
  mapKey?: boolean;
  entityType?: string;
  about?: string;
  fields?: RawField[];
}

interface RawMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions?: string;
  listeners?: string[];
  fields?: RawField[];
  commonStructs?: {name: string; versions?: string; fields: RawField[]}[];
}

function parseField(raw: RawField, common: Map<string, RawField[]>, where: string): ModelField {
  const at = `${where}.${raw.name}`;
  if (typeof raw.name !== 'string' || typeof raw.type !== 'string') throw new Error(`${at}: field needs a name and a type`);
  const array = raw.type.startsWith('[]');
  const element = array ? raw.type.slice(2) : raw.type;
  // A tagged-only field may omit "versions"; Kafka then uses its taggedVersions.
  const versions = parseVersions(raw.versions ?? raw.taggedVersions, `${at} versions`);
  if (versions === null) throw new Error(`${at}: field versions cannot be "none"`);
  const field: {-readonly [K in keyof ModelField]: ModelField[K]} = {
    name: lowerFirst(raw.name),
    type: PRIMITIVES.has(element) ? (element as PrimitiveType) : 'struct',
    versions,
  };
  if (array) field.array = true;
  if (field.type === 'struct') {
    field.struct = element;
    const sub = raw.fields ?? common.get(element);
    if (!sub) throw new Error(`${at}: struct type ${element} has no fields and no commonStruct`);
    field.fields = sub.map((f) => parseField(f, common, at));
  }
  if (raw.nullableVersions !== undefined) {
    const r = parseVersions(raw.nullableVersions, `${at} nullableVersions`);
    if (r) field.nullable = r;
  }
  if (raw.taggedVersions !== undefined) {
    const r = parseVersions(raw.taggedVersions, `${at} taggedVersions`);
    if (r) {
      // Some definitions write the tag as a string ("tag": "0"); Kafka's Jackson accepts both.
      const tag = typeof raw.tag === 'string' && /^\d+$/.test(raw.tag) ? Number(raw.tag) : raw.tag;
      if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 0) throw new Error(`${at}: taggedVersions without a valid tag`);
      field.tagged = r;
      field.tag = tag;
    }
  }
  if (raw.flexibleVersions !== undefined) field.flexible = parseVersions(raw.flexibleVersions, `${at} flexibleVersions`);
  if (raw.default !== undefined) field.default = raw.default;
  if (raw.ignorable) field.ignorable = true;
  if (raw.mapKey) field.mapKey = true;
  if (raw.entityType) field.entityType = raw.entityType;
  if (raw.about) field.about = raw.about;
  return field;
}

/** Parses one definition file's text. */
export function parseMessage(text: string, fileName: string): ModelMessage {
  let raw: RawMessage;
  try {
    raw = JSON.parse(stripComments(text)) as RawMessage;
  } catch (err) {
    throw new Error(`${fileName}: invalid JSON: ${(err as Error).message}`);
  }
  const type = raw.type;
  if (type !== 'request' && type !== 'response' && type !== 'header' && type !== 'data') {
    throw new Error(`${fileName}: unknown message type "${String(type)}"`);
  }
  const common = new Map<string, RawField[]>();
  for (const s of raw.commonStructs ?? []) common.set(s.name, s.fields);
  const validVersions = parseVersions(raw.validVersions, `${fileName} validVersions`);
  if (validVersions === null) throw new Error(`${fileName}: validVersions cannot be "none"`);
  const message: {-readonly [K in keyof ModelMessage]: ModelMessage[K]} = {
    name: raw.name,
    type,
    validVersions,
    flexibleVersions: parseVersions(raw.flexibleVersions ?? 'none', `${fileName} flexibleVersions`),
    fields: (raw.fields ?? []).map((f) => parseField(f, common, raw.name)),
  };
  if (raw.apiKey !== undefined) message.apiKey = raw.apiKey;
  if (raw.listeners) message.listeners = raw.listeners;
  return message;
}
