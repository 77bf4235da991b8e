/** The produce summary as people read it; -o json/yaml print the ProduceSummary itself. */
import {formatTable} from '../../output/render.js';
import {ProduceSummary} from './produce.js';

export function produceSummaryText(s: ProduceSummary): string {
  const created = s.autoCreated ? ' (the broker created the topic)' : '';
  const head = `Produced ${s.records} record${s.records === 1 ? '' : 's'} (${s.bytes} bytes) to "${s.topic}"${created} with acks=${s.acks}, compression ${s.compression}.`;
  if (s.partitions.length === 0) return head;
  const rows = s.partitions.map((p) => [p.partition, p.records, p.firstOffset, p.lastOffset]);
  const note = s.acks === '0' ? '\nWith acks=0 the broker does not answer, so the offsets are unknown.' : '';
  return `${head}\n${formatTable(['PARTITION', 'RECORDS', 'FIRST-OFFSET', 'LAST-OFFSET'], rows)}${note}`;
}
