/**
 * Builds sample message bodies from the schema table: every field present in a version gets a
 * non-default value (or null, in the "nulls" variant, where the field is nullable).
 */
import {inRange, type FieldSchema, type MessageSchema} from '../../src/protocol/schema.js';

export type Variant = 'values' | 'nulls';

function uuidFor(seed: number): string {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) b[i] = (seed * 31 + i * 7 + 1) & 0xff;
  return b.toString('base64url');
}

function scalar(f: FieldSchema, seed: number): unknown {
  const def = f.default;
  const pick = (a: number, b: number): number => (String(def) === String(a) ? b : a);
  switch (f.type) {
    case 'bool': return !(def === true || def === 'true');
    case 'int8': return pick(7 + (seed % 50), -3);
    case 'int16': return pick(-300 - seed, 301);
    case 'uint16': return 65000 - seed;
    case 'int32': return pick(123456 + seed, -7);
    case 'uint32': return 4_000_000_000 + seed;
    case 'int64': return -(2n ** 40n) - BigInt(seed);
    case 'float64': return 1.5 + seed;
    case 'string': return `näme-${f.name}-${seed}`;
    case 'bytes': return Buffer.from([1, 2, 3, seed & 0xff]);
    case 'records': return Buffer.alloc(10 + (seed % 5), seed & 0xff);
    case 'uuid': return uuidFor(seed);
    default: throw new Error(`not a scalar: ${f.type}`);
  }
}

function value(f: FieldSchema, version: number, variant: Variant, seed: number): unknown {
  if (variant === 'nulls' && inRange(f.nullable, version)) return null;
  const one = (s: number): unknown =>
    f.type === 'struct' ? sampleStruct(f.fields ?? [], version, variant, s) : scalar(f, s);
  return f.array ? [one(seed), one(seed + 1)] : one(seed);
}

export function sampleStruct(fields: readonly FieldSchema[], version: number, variant: Variant, seed = 0): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    if (inRange(f.versions, version)) obj[f.name] = value(f, version, variant, seed + i);
  });
  return obj;
}

export function sampleMessage(m: MessageSchema, version: number, variant: Variant): Record<string, unknown> {
  const flexible = inRange(m.flexibleVersions, version);
  // Tagged fields only exist in flexible versions.
  const drop = (fields: readonly FieldSchema[]): FieldSchema[] =>
    fields
      .filter((f) => flexible || !inRange(f.tagged, version))
      .map((f) => (f.fields ? {...f, fields: drop(f.fields)} : f));
  return sampleStruct(drop(m.fields), version, variant);
}

/** `actual` restricted to the keys `expected` has (recursively), for partial deep comparison. */
export function project(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((a, i) => project(a, expected[i]));
  if (expected && typeof expected === 'object' && !Buffer.isBuffer(expected) && actual && typeof actual === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(expected)) out[k] = project((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
    return out;
  }
  return actual;
}
