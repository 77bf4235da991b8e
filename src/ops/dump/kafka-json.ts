/**
 * Kafka's generated JsonConverter output for a decoded "data" message, driven by the generated
 * schema table: fields in schema order, only those the version has, tagged fields only when they
 * differ from their default, int64 exact, bytes as base64 (Jackson's BinaryNode), compact.
 */
import {MESSAGES} from '../../protocol/generated/schemas.js';
import {inRange, type FieldSchema, type MessageSchema} from '../../protocol/schema.js';

const BY_NAME = new Map<string, MessageSchema>(MESSAGES.map((m) => [m.name, m]));

export function messageSchema(name: string): MessageSchema {
  const schema = BY_NAME.get(name);
  if (!schema) throw new Error(`no schema named ${name}`);
  return schema;
}

/** A field's value as JSON text, or undefined to leave the field out. */
export type FieldOverride = (path: string, value: unknown) => string | undefined;

export function kafkaJson(schemaName: string, version: number, obj: Record<string, unknown>, override?: FieldOverride): string {
  return structJson(messageSchema(schemaName).fields, version, obj, '', override);
}

function structJson(fields: readonly FieldSchema[], version: number, obj: Record<string, unknown>, path: string, override?: FieldOverride): string {
  const parts: string[] = [];
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    const value = obj[f.name];
    if (inRange(f.tagged, version) && isDefault(f, value)) continue;
    const fieldPath = path + f.name;
    const custom = override?.(fieldPath, value);
    parts.push(`${JSON.stringify(f.name)}:${custom ?? valueJson(f, version, value, fieldPath, override)}`);
  }
  return `{${parts.join(',')}}`;
}

function valueJson(f: FieldSchema, version: number, value: unknown, path: string, override?: FieldOverride): string {
  if (value === null || value === undefined) return 'null';
  if (f.array) {
    const items = value as unknown[];
    return `[${items.map((item) => scalarJson(f, version, item, `${path}.`, override)).join(',')}]`;
  }
  return scalarJson(f, version, value, `${path}.`, override);
}

function scalarJson(f: FieldSchema, version: number, value: unknown, path: string, override?: FieldOverride): string {
  if (value === null || value === undefined) return 'null';
  switch (f.type) {
    case 'struct': return structJson(f.fields ?? [], version, value as Record<string, unknown>, path, override);
    case 'bytes': case 'records': return JSON.stringify((value as Buffer).toString('base64'));
    case 'int64': return (value as bigint).toString();
    case 'string': case 'uuid': return JSON.stringify(value);
    default: return String(value);
  }
}

function isDefault(f: FieldSchema, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (f.array) return (value as unknown[]).length === 0;
  const d = f.default;
  switch (f.type) {
    case 'int64': return value === (d === undefined ? 0n : BigInt(d as string | number));
    case 'string': return value === (d === undefined || d === 'null' ? '' : String(d));
    case 'bool': return value === (d === true || d === 'true');
    case 'uuid': return value === 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'bytes': return (value as Buffer).length === 0;
    case 'struct': return false;
    default: return value === (d === undefined ? 0 : Number(d));
  }
}
