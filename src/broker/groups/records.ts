/**
 * The records of __consumer_offsets in Kafka's format: each key and value is an int16 schema
 * version followed by the versioned body (OffsetCommitKey/Value, GroupMetadataKey/Value from
 * Kafka's message definitions, through the codec). Key versions 0 and 1 are offset commits,
 * 2 is group metadata; a null value is a tombstone. Values are written as Kafka 3.x writes them:
 * OffsetCommitValue v3 (v1 when the commit carries an expire timestamp), GroupMetadataValue v3.
 */
import {decodeData, encodeData} from '../../protocol/api.js';
import type {CommittedOffset} from './types.js';

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const GROUP_METADATA_VALUE_VERSION = 3;

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}

/** GroupMetadataValue with the codec's field names. */
export interface StoredGroup {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** -1n when unknown (values before v2). */
  currentStateTimestamp: bigint;
  members: StoredMember[];
}

export type OffsetsKey =
  | {type: 'offset'; group: string; topic: string; partition: number}
  | {type: 'group'; group: string};

function versioned(version: number, body: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeInt16BE(version, 0);
  return Buffer.concat([prefix, body]);
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OFFSET_COMMIT_KEY_VERSION, encodeData('OffsetCommitKey', OFFSET_COMMIT_KEY_VERSION, {group, topic, partition}));
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GROUP_METADATA_KEY_VERSION, encodeData('GroupMetadataKey', GROUP_METADATA_KEY_VERSION, {group}));
}

export function offsetCommitValue(offset: CommittedOffset): Buffer {
  // Version 1 is the one with an expire timestamp (Kafka writes it whenever one is set).
  const version = offset.expireTimestamp !== null ? 1 : 3;
  return versioned(version, encodeData('OffsetCommitValue', version, {
    offset: offset.offset,
    leaderEpoch: offset.leaderEpoch,
    metadata: offset.metadata,
    commitTimestamp: offset.commitTimestamp,
    expireTimestamp: offset.expireTimestamp ?? -1n,
  }));
}

export function groupMetadataValue(group: StoredGroup): Buffer {
  return versioned(GROUP_METADATA_VALUE_VERSION, encodeData('GroupMetadataValue', GROUP_METADATA_VALUE_VERSION, group));
}

/** The key's meaning, or null for key versions this coordinator does not know (e.g. KIP-848 records). */
export function decodeOffsetsKey(key: Buffer): OffsetsKey | null {
  if (key.length < 2) throw new Error('__consumer_offsets record key is shorter than its version');
  const version = key.readInt16BE(0);
  if (version === 0 || version === 1) {
    const k = decodeData('OffsetCommitKey', version, key, 2) as {group: string; topic: string; partition: number};
    return {type: 'offset', group: k.group, topic: k.topic, partition: k.partition};
  }
  if (version === 2) {
    const k = decodeData('GroupMetadataKey', version, key, 2) as {group: string};
    return {type: 'group', group: k.group};
  }
  return null;
}

export function decodeOffsetCommitValue(value: Buffer): CommittedOffset {
  const version = value.readInt16BE(0);
  if (version < 0 || version > 4) throw new Error(`unknown OffsetCommitValue version ${version}`);
  const v = decodeData('OffsetCommitValue', version, value, 2) as {
    offset: bigint; leaderEpoch: number; metadata: string; commitTimestamp: bigint; expireTimestamp: bigint;
  };
  // Only version 1 carries an expire timestamp; Kafka reads it as set whatever its value.
  const expireTimestamp = version === 1 ? v.expireTimestamp : null;
  return {offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: v.commitTimestamp, expireTimestamp};
}

export function decodeGroupMetadataValue(value: Buffer): StoredGroup {
  const version = value.readInt16BE(0);
  if (version < 0 || version > 4) throw new Error(`unknown GroupMetadataValue version ${version}`);
  return decodeData('GroupMetadataValue', version, value, 2) as StoredGroup;
}
