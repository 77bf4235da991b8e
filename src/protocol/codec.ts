/**
 * The one generic codec: walks the generated schema table to decode/encode any message at any
 * valid version. Each (message, version) is compiled once, at first use, into a flat plan of
 * field ops (kind, compact, nullable, default, nested plan) so the hot Produce/Fetch paths run
 * a switch over plain arrays with no per-call closures; a struct used more than COMPILE_AFTER
 * times then gets a decoder and an encoder made from its plan with new Function (compileDecoder,
 * compileEncoder), which name its fields directly instead of looking them up by a name held in a
 * variable.
 */
import {ProtocolError} from './errors.js';
import {Reader} from './reader.js';
import {inRange, type FieldSchema, type MessageSchema} from './schema.js';
import {Writer} from './writer.js';

const enum Kind { Bool, Int8, Int16, Uint16, Int32, Uint32, Int64, Float64, String, Bytes, Uuid, Records, Struct }

const KINDS: Record<FieldSchema['type'], Kind> = {
  bool: Kind.Bool, int8: Kind.Int8, int16: Kind.Int16, uint16: Kind.Uint16, int32: Kind.Int32,
  uint32: Kind.Uint32, int64: Kind.Int64, float64: Kind.Float64, string: Kind.String, bytes: Kind.Bytes,
  uuid: Kind.Uuid, records: Kind.Records, struct: Kind.Struct,
};

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const EMPTY_BUFFER = Buffer.alloc(0);
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);

interface FieldPlan {
  readonly name: string;
  readonly kind: Kind;
  readonly array: boolean;
  /** Nullable in this version (for arrays: the array itself). */
  readonly nullable: boolean;
  /** Compact (flexible) encodings of strings, bytes, records and arrays. */
  readonly compact: boolean;
  readonly tag: number;
  readonly struct: StructPlan | undefined;
  /** Default for encoding missing values; shared, never handed out by the decoder when mutable. */
  readonly def: unknown;
  readonly mutableDefault: boolean;
}

interface StructPlan {
  readonly name: string;
  readonly flexible: boolean;
  readonly fields: readonly FieldPlan[];
  /** Tagged fields of this version, sorted by tag. */
  readonly tagged: readonly FieldPlan[];
  readonly byTag: ReadonlyMap<number, FieldPlan>;
  /** Fields not in this version: decoded as their default. */
  readonly absent: readonly FieldPlan[];
  /** Encoding of the all-defaults struct, to leave default tagged structs out. */
  defaultBytes?: Buffer;
  /** This struct's decoder and encoder, made once it has been decoded (encoded) COMPILE_AFTER times. */
  decode?: (r: Reader) => Record<string, unknown>;
  encode?: (w: Writer, obj: Record<string, unknown>) => void;
  decodes?: number;
  encodes?: number;
}

/**
 * Uses of a struct by the generic loops before its own decoder or encoder is made: making one
 * costs more than a few uses save (a CLI command that decodes a handful of structs once started
 * ~5 ms slower when every struct got them at first use).
 */
export const COMPILE_AFTER = 16;

function parseInteger(raw: string | number | boolean, where: string): bigint {
  const s = String(raw).trim();
  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(body)) throw new Error(`${where}: invalid integer default ${JSON.stringify(raw)}`);
  const v = BigInt(body);
  return negative ? -v : v;
}

function scalarDefault(f: FieldSchema, kind: Kind, where: string): unknown {
  const raw = f.default;
  if (raw === 'null') return null;
  switch (kind) {
    case Kind.Bool: return raw === undefined ? false : raw === true || raw === 'true';
    case Kind.Int64: return raw === undefined ? 0n : parseInteger(raw, where);
    case Kind.Float64: return raw === undefined ? 0 : Number(raw);
    case Kind.String: return raw === undefined ? '' : String(raw);
    case Kind.Bytes: return EMPTY_BUFFER;
    case Kind.Uuid: return ZERO_UUID;
    case Kind.Records: return null;
    case Kind.Struct: return undefined; // built from the struct plan
    default: return raw === undefined ? 0 : Number(parseInteger(raw, where));
  }
}

function compileField(f: FieldSchema, version: number, flexible: boolean, owner: string): FieldPlan {
  const kind = KINDS[f.type];
  const where = `${owner}.${f.name}`;
  const struct = f.fields ? compileStruct(f.struct ?? f.name, f.fields, version, flexible) : undefined;
  let def = scalarDefault(f, kind, where);
  if (f.array) def = def === null ? null : EMPTY_ARRAY;
  else if (kind === Kind.Struct && def === undefined) def = defaultObject(struct!);
  return {
    name: f.name,
    kind,
    array: f.array === true,
    nullable: inRange(f.nullable, version),
    compact: f.flexible !== undefined ? inRange(f.flexible, version) : flexible,
    tag: f.tag ?? -1,
    struct,
    def,
    mutableDefault: def !== null && (f.array === true || kind === Kind.Struct),
  };
}

function compileStruct(name: string, fields: readonly FieldSchema[], version: number, flexible: boolean): StructPlan {
  const regular: FieldPlan[] = [];
  const tagged: FieldPlan[] = [];
  const absent: FieldPlan[] = [];
  for (const f of fields) {
    const plan = compileField(f, version, flexible, name);
    if (!inRange(f.versions, version)) absent.push(plan);
    else if (inRange(f.tagged, version)) {
      if (flexible) tagged.push(plan);
      else absent.push(plan);
    } else regular.push(plan);
  }
  tagged.sort((a, b) => a.tag - b.tag);
  return {name, flexible, fields: regular, tagged, byTag: new Map(tagged.map((t) => [t.tag, t])), absent};
}

/** A fresh value for a field absent from the input (arrays and structs are never shared). */
function freshDefault(f: FieldPlan): unknown {
  if (!f.mutableDefault) return f.def;
  return f.array ? [] : defaultObject(f.struct!);
}

function defaultObject(p: StructPlan): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const f of p.fields) obj[f.name] = freshDefault(f);
  for (const f of p.absent) obj[f.name] = freshDefault(f);
  for (const f of p.tagged) obj[f.name] = freshDefault(f);
  return obj;
}

const plans = new WeakMap<MessageSchema, Map<number, StructPlan>>();

/** The compiled plan of a message at a version (cached). */
function planFor(schema: MessageSchema, version: number): StructPlan {
  let byVersion = plans.get(schema);
  if (!byVersion) plans.set(schema, (byVersion = new Map()));
  let plan = byVersion.get(version);
  if (!plan) {
    plan = compileStruct(schema.name, schema.fields, version, inRange(schema.flexibleVersions, version));
    byVersion.set(version, plan);
  }
  return plan;
}

// ---------------------------------------------------------------- decoding

function readValue(r: Reader, f: FieldPlan, nullable: boolean): unknown {
  switch (f.kind) {
    case Kind.Bool: return r.bool();
    case Kind.Int8: return r.int8();
    case Kind.Int16: return r.int16();
    case Kind.Uint16: return r.uint16();
    case Kind.Int32: return r.int32();
    case Kind.Uint32: return r.uint32();
    case Kind.Int64: return r.int64();
    case Kind.Float64: return r.float64();
    case Kind.Uuid: return r.uuid();
    case Kind.String:
      if (f.compact) return nullable ? r.compactNullableString() : r.compactString();
      return nullable ? r.nullableString() : r.string();
    case Kind.Bytes:
    case Kind.Records:
      if (f.compact) return nullable ? r.compactNullableBytes() : r.compactBytes();
      return nullable ? r.nullableBytes() : r.bytes();
    case Kind.Struct:
      // A nullable struct is preceded by a marker byte: -1 = null, 1 = present.
      if (nullable && r.int8() < 0) return null;
      return decodeStruct(r, f.struct!);
  }
}

function readField(r: Reader, f: FieldPlan): unknown {
  if (!f.array) return readValue(r, f, f.nullable);
  const n = r.arrayLength(f.compact, f.nullable);
  if (n < 0) return null;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = readValue(r, f, false);
  return out;
}

function decodeStruct(r: Reader, p: StructPlan): Record<string, unknown> {
  if (p.decode) return p.decode(r);
  p.decodes = (p.decodes ?? 0) + 1;
  if (p.decodes <= COMPILE_AFTER) return decodeStructGeneric(r, p);
  p.decode = compileDecoder(p);
  return p.decode(r);
}

/**
 * A decoder for one struct plan, made with new Function: it builds the object as one literal, so
 * every object of the struct gets its shape at once and each field is read by a direct call (a
 * loop storing obj[name] ran through V8's megamorphic keyed-store stub for every field).
 * The fields are read in order: a literal's values are evaluated left to right.
 */
function compileDecoder(p: StructPlan): (r: Reader) => Record<string, unknown> {
  const names = [...p.fields, ...p.absent, ...(p.flexible ? p.tagged : [])].map((f) => f.name);
  if (!names.every(isPlainKey)) return (r) => decodeStructGeneric(r, p);
  const values = [
    ...p.fields.map((f, i) => readExpression(f, i)),
    ...p.absent.map((f, i) => (f.mutableDefault ? `freshDefault(A[${i}])` : `A[${i}].def`)),
    ...(p.flexible ? p.tagged.map((f, i) => (f.mutableDefault ? `freshDefault(T[${i}])` : `T[${i}].def`)) : []),
  ];
  const literal = names.map((name, i) => `${JSON.stringify(name)}: ${values[i]}`).join(',\n    ');
  const body = `return function decode(r) {
  const o = {
    ${literal}
  };
  ${p.flexible ? 'readTaggedFields(r, P, o);' : ''}
  return o;
};`;
  return new Function('F', 'A', 'T', 'P', 'readField', 'decodeStruct', 'freshDefault', 'readTaggedFields', body)(
    p.fields, p.absent, p.tagged, p, readField, decodeStruct, freshDefault, readTaggedFields) as (r: Reader) => Record<string, unknown>;
}

/** Keys the generated code may write in an object literal as they are. */
function isPlainKey(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && name !== '__proto__';
}

/** The generated expression reading regular field `i` (F[i]): the Reader call readValue would make. */
function readExpression(f: FieldPlan, i: number): string {
  if (f.array) return `readField(r, F[${i}])`;
  const nullable = f.nullable;
  switch (f.kind) {
    case Kind.Bool: return 'r.bool()';
    case Kind.Int8: return 'r.int8()';
    case Kind.Int16: return 'r.int16()';
    case Kind.Uint16: return 'r.uint16()';
    case Kind.Int32: return 'r.int32()';
    case Kind.Uint32: return 'r.uint32()';
    case Kind.Int64: return 'r.int64()';
    case Kind.Float64: return 'r.float64()';
    case Kind.Uuid: return 'r.uuid()';
    case Kind.String:
      if (f.compact) return nullable ? 'r.compactNullableString()' : 'r.compactString()';
      return nullable ? 'r.nullableString()' : 'r.string()';
    case Kind.Bytes:
    case Kind.Records:
      if (f.compact) return nullable ? 'r.compactNullableBytes()' : 'r.compactBytes()';
      return nullable ? 'r.nullableBytes()' : 'r.bytes()';
    case Kind.Struct:
      // A nullable struct is preceded by a marker byte: -1 = null, 1 = present.
      return nullable ? `(r.int8() < 0 ? null : decodeStruct(r, F[${i}].struct))` : `decodeStruct(r, F[${i}].struct)`;
  }
}

/** The generic decoding loop: a struct's first COMPILE_AFTER decodes, and all of one whose field names cannot be literal keys. */
function decodeStructGeneric(r: Reader, p: StructPlan): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const fields = p.fields;
  for (let i = 0; i < fields.length; i++) obj[fields[i]!.name] = readField(r, fields[i]!);
  for (const f of p.absent) obj[f.name] = freshDefault(f);
  if (p.flexible) {
    for (const f of p.tagged) obj[f.name] = freshDefault(f);
    readTaggedFields(r, p, obj);
  }
  return obj;
}

/** Tagged section: known tags decode into their fields, unknown ones are skipped. */
function readTaggedFields(r: Reader, p: StructPlan, obj: Record<string, unknown>): void {
  const count = r.uvarint();
  if (count > r.remaining) throw new ProtocolError(`${p.name}: tagged field count ${count} exceeds the bytes left`);
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    if (size > r.remaining) throw new ProtocolError(`${p.name}: tagged field ${tag} claims ${size} bytes, ${r.remaining} left`);
    const end = r.offset + size;
    const f = p.byTag.get(tag);
    if (f) {
      obj[f.name] = readField(new Reader(r.buf, r.offset, end), f);
    }
    r.offset = end;
  }
}

/** Decodes one message body at `reader`'s offset (advancing it). */
export function decodeMessage(schema: MessageSchema, version: number, reader: Reader): Record<string, unknown> {
  return decodeStruct(reader, planFor(schema, version));
}

// ---------------------------------------------------------------- encoding

/** An encoding failure with the field path it happened at (built up as it unwinds). */
class EncodeError extends Error {
  readonly path: string[] = [];
}

function fail(message: string): never {
  throw new EncodeError(message);
}

function writeValue(w: Writer, f: FieldPlan, v: unknown, nullable: boolean): void {
  if (v === null || v === undefined) {
    if (!nullable) fail(`is ${String(v)} but not nullable in this version`);
    if (f.kind === Kind.Struct) w.int8(-1);
    else if (f.compact) w.uvarint(0);
    else if (f.kind === Kind.String) w.int16(-1);
    else w.int32(-1);
    return;
  }
  switch (f.kind) {
    case Kind.Bool: w.bool(Boolean(v)); return;
    case Kind.Int8: w.int8(Number(v)); return;
    case Kind.Int16: w.int16(Number(v)); return;
    case Kind.Uint16: w.uint16(Number(v)); return;
    case Kind.Int32: w.int32(Number(v)); return;
    case Kind.Uint32: w.uint32(Number(v)); return;
    case Kind.Int64: w.int64(typeof v === 'bigint' ? v : BigInt(v as number)); return;
    case Kind.Float64: w.float64(Number(v)); return;
    case Kind.Uuid: w.uuid(String(v)); return;
    case Kind.String:
      if (typeof v !== 'string') fail(`expected a string, got ${typeof v}`);
      if (f.compact) w.compactString(v);
      else w.string(v);
      return;
    case Kind.Bytes:
    case Kind.Records:
      if (!Buffer.isBuffer(v)) fail(`expected a Buffer, got ${typeof v}`);
      if (f.compact) w.compactBytes(v);
      else w.bytes(v);
      return;
    case Kind.Struct:
      if (typeof v !== 'object') fail(`expected an object, got ${typeof v}`);
      if (nullable) w.int8(1);
      encodeStruct(w, f.struct!, v as Record<string, unknown>);
      return;
  }
}

function writeField(w: Writer, f: FieldPlan, v: unknown): void {
  if (v === undefined) v = f.def;
  try {
    if (!f.array) {
      writeValue(w, f, v, f.nullable);
      return;
    }
    if (v === null) {
      if (!f.nullable) fail('is null but not nullable in this version');
      w.arrayLength(null, f.compact);
      return;
    }
    if (!Array.isArray(v)) fail(`expected an array, got ${typeof v}`);
    w.arrayLength(v.length, f.compact);
    for (let i = 0; i < v.length; i++) writeValue(w, f, v[i], false);
  } catch (err) {
    const e = err instanceof EncodeError ? err : new EncodeError((err as Error).message);
    e.path.unshift(f.name);
    throw e;
  }
}

function encodeStruct(w: Writer, p: StructPlan, obj: Record<string, unknown>): void {
  if (p.encode) return p.encode(w, obj);
  p.encodes = (p.encodes ?? 0) + 1;
  if (p.encodes <= COMPILE_AFTER) return encodeStructGeneric(w, p, obj);
  p.encode = compileEncoder(p);
  p.encode(w, obj);
}

/**
 * An encoder for one struct plan, made with new Function: each field is loaded as obj.name, a
 * load that sees one shape per struct (obj[fields[i].name] in a loop shared by every struct ran
 * through V8's megamorphic keyed-load stub). An integer or boolean that fits its field is written
 * by a direct call; anything else (defaults, null, strings, arrays, structs, and every value the
 * writer would refuse) by writeField as before, which also names the field in an error.
 */
function compileEncoder(p: StructPlan): (w: Writer, obj: Record<string, unknown>) => void {
  if (!p.fields.every((f) => isPlainKey(f.name))) return (w, obj) => encodeStructGeneric(w, p, obj);
  const writes = p.fields.map((f, i) => {
    const direct = f.array ? undefined : directWrite(f.kind);
    return direct
      ? `{ const v = o.${f.name}; if (${direct.fits}) w.${direct.call}; else writeField(w, F[${i}], v); }`
      : `writeField(w, F[${i}], o.${f.name});`;
  }).join('\n  ');
  const body = `return function encode(w, o) {
  ${writes}
  ${p.flexible ? 'writeTaggedFields(w, P, o);' : ''}
};`;
  return new Function('F', 'P', 'writeField', 'writeTaggedFields', body)(p.fields, p, writeField, writeTaggedFields) as
    (w: Writer, obj: Record<string, unknown>) => void;
}

/** For the generated encoder: when value `v` fits a field of `kind`, and the Writer call that writes it. */
function directWrite(kind: Kind): {fits: string; call: string} | undefined {
  switch (kind) {
    case Kind.Bool: return {fits: "typeof v === 'boolean'", call: 'bool(v)'};
    case Kind.Int8: return {fits: "typeof v === 'number' && v === (v << 24) >> 24", call: 'int8(v)'};
    case Kind.Int16: return {fits: "typeof v === 'number' && v === (v << 16) >> 16", call: 'int16(v)'};
    case Kind.Uint16: return {fits: "typeof v === 'number' && v === (v & 0xffff)", call: 'uint16(v)'};
    case Kind.Int32: return {fits: "typeof v === 'number' && v === (v | 0)", call: 'int32(v)'};
    case Kind.Uint32: return {fits: "typeof v === 'number' && v === v >>> 0", call: 'uint32(v)'};
    case Kind.Int64: return {fits: "typeof v === 'bigint' && v >= -9223372036854775808n && v <= 9223372036854775807n", call: 'int64(v)'};
    default: return undefined;
  }
}

/** The generic encoding loop: a struct's first COMPILE_AFTER encodes, and all of one whose field names cannot be written as obj.name. */
function encodeStructGeneric(w: Writer, p: StructPlan, obj: Record<string, unknown>): void {
  const fields = p.fields;
  for (let i = 0; i < fields.length; i++) writeField(w, fields[i]!, obj[fields[i]!.name]);
  if (p.flexible) writeTaggedFields(w, p, obj);
}

/** Whether a tagged value equals its default, in which case Kafka leaves it out. */
function isDefaultTagged(f: FieldPlan, v: unknown, encoded: Buffer | undefined): boolean {
  if (v === undefined) return true;
  if (v === null || f.def === null) return v === f.def;
  if (f.array) return (v as unknown[]).length === 0;
  if (f.kind === Kind.Bytes) return (v as Buffer).length === 0;
  if (f.kind === Kind.Struct) {
    const p = f.struct!;
    if (!p.defaultBytes) {
      const dw = new Writer(64);
      encodeStruct(dw, p, f.def as Record<string, unknown>);
      p.defaultBytes = Buffer.from(dw.finish());
    }
    return encoded !== undefined && encoded.equals(p.defaultBytes);
  }
  return v === f.def;
}

function writeTaggedFields(w: Writer, p: StructPlan, obj: Record<string, unknown>): void {
  if (p.tagged.length === 0) {
    w.uvarint(0);
    return;
  }
  const out: [number, Buffer][] = [];
  for (const f of p.tagged) {
    const v = obj[f.name];
    const singleStruct = f.kind === Kind.Struct && !f.array && v !== null;
    if (v === undefined || (!singleStruct && isDefaultTagged(f, v, undefined))) continue;
    const sub = new Writer(64);
    writeField(sub, f, v);
    const bytes = sub.finish();
    if (singleStruct && isDefaultTagged(f, v, bytes)) continue;
    out.push([f.tag, bytes]);
  }
  w.uvarint(out.length);
  for (const [tag, bytes] of out) w.uvarint(tag).uvarint(bytes.length).raw(bytes);
}

/** Encodes one message body into `writer`. Missing fields take their default. */
export function encodeMessage(schema: MessageSchema, version: number, obj: object, writer: Writer): void {
  try {
    encodeStruct(writer, planFor(schema, version), obj as Record<string, unknown>);
  } catch (err) {
    if (err instanceof EncodeError) {
      throw new ProtocolError(`cannot encode ${schema.name} v${version}: field ${err.path.join('.')}: ${err.message}`);
    }
    throw err;
  }
}
