/**
 * What the record line says about a control record (Kafka's printControlRecord): COMMIT/ABORT
 * markers with their coordinator epoch, the KRaft control types as JSON, anything else by type.
 */
import {controlRecordTypeName, decodeControlKey, decodeEndTxnMarkerValue} from '../../records/control.js';
import type {ControlInfo} from './events.js';
import {controlMessageJson} from './coordinator-json.js';

/** Kafka 4.x labels: `LeaderChange:` has a colon, the others do not. */
const JSON_CONTROL: Record<number, {label: string; schema: string}> = {
  2: {label: 'LeaderChange:', schema: 'LeaderChangeMessage'},
  3: {label: 'SnapshotHeader', schema: 'SnapshotHeaderRecord'},
  4: {label: 'SnapshotFooter', schema: 'SnapshotFooterRecord'},
  5: {label: 'KRaftVersion', schema: 'KRaftVersionRecord'},
  6: {label: 'KRaftVoters', schema: 'VotersRecord'},
};

export function describeControl(key: Buffer | null, value: Buffer | null): ControlInfo {
  let typeId: number;
  try {
    typeId = decodeControlKey(key).type;
  } catch {
    return {kind: 'other', controlType: 'UNKNOWN', typeId: -1};
  }
  if (typeId === 0 || typeId === 1) {
    try {
      const marker = decodeEndTxnMarkerValue(value);
      return {kind: 'endTxnMarker', marker: typeId === 0 ? 'ABORT' : 'COMMIT', coordinatorEpoch: marker.coordinatorEpoch};
    } catch {
      return {kind: 'other', controlType: controlRecordTypeName(typeId), typeId};
    }
  }
  const json = JSON_CONTROL[typeId];
  if (json && value !== null && value.length >= 2) {
    const text = controlMessageJson(json.schema, value);
    if (text !== undefined) return {kind: 'json', label: json.label, json: text};
  }
  return {kind: 'other', controlType: controlRecordTypeName(typeId), typeId};
}
