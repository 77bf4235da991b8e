/** Table renderings of consumer-group views, with kafka-consumer-groups' column names. */
import type {GroupListing} from '../client/groups.js';
import type {GroupView} from '../ops/groups/describe.js';
import type {ResetResult} from '../ops/groups/reset.js';
import {formatTable} from './render.js';

export function groupListTable(groups: GroupListing[]): string {
  if (groups.length === 0) return 'No consumer groups.';
  return formatTable(['GROUP', 'STATE', 'PROTOCOL-TYPE'], groups.map((g) => [g.groupId, g.state || '-', g.protocolType || '-']));
}

export function groupOffsetsTable(views: GroupView[]): string {
  return views.map((v) => {
    if (v.offsets.length === 0) return `Consumer group "${v.group}" (${v.state}) has no committed offsets and no assigned partitions.`;
    const table = formatTable(
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-START-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      v.offsets.map((r) => [r.group, r.topic, r.partition, r.currentOffset, r.logStartOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId]),
    );
    const totals = v.totalLagByTopic.map((t) => `${t.topic}=${t.lag}`).join(', ');
    const note = v.members.length === 0 ? `\nConsumer group "${v.group}" has no active members.` : '';
    return `${table}\nTotal lag: ${v.totalLag} (${totals})${note}`;
  }).join('\n\n');
}

export function groupMembersTable(views: GroupView[]): string {
  return views.map((v) => {
    if (v.members.length === 0) return `Consumer group "${v.group}" has no active members.`;
    return formatTable(
      ['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
      v.members.map((m) => [v.group, m.consumerId, m.groupInstanceId, m.host, m.clientId, m.partitions, m.assignment.join(',') || '-']),
    );
  }).join('\n\n');
}

export function groupStateTable(views: GroupView[]): string {
  return formatTable(
    ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    views.map((v) => [v.group, `${v.coordinator.host}:${v.coordinator.port} (${v.coordinator.nodeId})`, v.assignmentStrategy || '-', v.state, v.members.length]),
  );
}

export function resetPlanTable(r: ResetResult): string {
  const table = formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET', 'LAG-BEFORE', 'LAG-AFTER', 'NOTE'],
    r.rows.map((row) => [
      row.group, row.topic, row.partition, row.currentOffset, row.newOffset, row.lagBefore, row.lagAfter,
      row.clamped === 'log-start' ? 'clamped to log start' : row.clamped === 'log-end' ? 'clamped to log end' : '',
    ]),
  );
  const footer = r.executed
    ? `Reset ${r.rows.length} partition(s) of group "${r.group}" (${r.target}).`
    : `Dry run (${r.target}): nothing was changed. Add --execute to commit these offsets.`;
  return `${table}\n${footer}`;
}
