/**
 * Reset plans as CSV, in kafka-consumer-groups' --export format: one `topic,partition,offset`
 * line per partition (a header line is allowed and skipped). --from-file reads the same format.
 */
import {KstreamError} from '../../output/errors.js';
import type {ResetPlan} from './reset-plan.js';

export function planToCsv(plan: ResetPlan): string {
  return plan.rows.map((r) => `${r.topic},${r.partition},${r.newOffset}`).join('\n') + (plan.rows.length > 0 ? '\n' : '');
}

/** Offsets per `topic:partition`; errors name the file and line. */
export function parsePlanCsv(text: string, fileName: string): Map<string, bigint> {
  const offsets = new Map<string, bigint>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || (i === 0 && /^topic\s*,/i.test(line))) return;
    const fields = line.split(',').map((f) => f.trim());
    const bad = (why: string) => new KstreamError(`${fileName}:${i + 1}: ${why}: "${raw}"`, {hint: 'Each line must be topic,partition,offset', exitCode: 2});
    if (fields.length !== 3) throw bad(`expected 3 fields, found ${fields.length}`);
    const [topic, partition, offset] = fields;
    if (topic === '') throw bad('empty topic name');
    if (!/^\d+$/.test(partition)) throw bad('partition is not a number');
    if (!/^\d+$/.test(offset)) throw bad('offset is not a non-negative number');
    const key = `${topic}:${Number(partition)}`;
    if (offsets.has(key)) throw bad(`partition ${topic}-${partition} appears twice`);
    offsets.set(key, BigInt(offset));
  });
  if (offsets.size === 0) throw new KstreamError(`${fileName} has no offsets to reset`, {exitCode: 2});
  return offsets;
}
