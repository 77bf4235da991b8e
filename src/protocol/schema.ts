/**
 * Shape of the generated schema table (src/protocol/generated/schemas.ts): plain data the
 * generic codec walks. Produced by src/protocol/codegen from Kafka's JSON message definitions.
 */

/** Inclusive [min, max]; open-ended ranges ("3+") have max = MAX_VERSION. */
export type VersionRange = readonly [number, number];
export const MAX_VERSION = 0x7fff;

export type PrimitiveType =
  | 'bool' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64'
  | 'string' | 'bytes' | 'uuid' | 'records';

export interface FieldSchema {
  /** JSON name with the first letter lower-cased: PartitionIndex -> partitionIndex. */
  readonly name: string;
  /** Element type for arrays; 'struct' for nested structures (see `fields`). */
  readonly type: PrimitiveType | 'struct';
  readonly array?: true;
  /** Struct type name (for arrays of structs and struct fields). */
  readonly struct?: string;
  readonly versions: VersionRange;
  readonly nullable?: VersionRange;
  readonly tagged?: VersionRange;
  readonly tag?: number;
  /** Field-level override of the message's flexibleVersions; null = never compact ("none"). */
  readonly flexible?: VersionRange | null;
  /** The JSON "default" as written (e.g. "-1", "0x7fffffff", "null", true); parsed by the codec. */
  readonly default?: string | number | boolean;
  readonly ignorable?: true;
  readonly mapKey?: true;
  readonly entityType?: string;
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly type: 'request' | 'response' | 'header' | 'data';
  readonly apiKey?: number;
  readonly validVersions: VersionRange;
  /** null = no flexible version ("none"). */
  readonly flexibleVersions: VersionRange | null;
  readonly listeners?: readonly string[];
  readonly fields: readonly FieldSchema[];
}

export function inRange(range: VersionRange | null | undefined, version: number): boolean {
  return range != null && version >= range[0] && version <= range[1];
}
