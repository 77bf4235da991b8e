/** What the consume loop pulls records from: the group-less fetcher or the group consumer. */
import type {ConsumedRecord} from './record.js';

export interface RecordSource {
  /** The next records, in offset order per partition; [] when a poll found none (or was stopped). */
  next(): Promise<ConsumedRecord[]>;
  /** Every partition has been read up to its end (for --exit). */
  atEnd(): boolean;
  /** These records were handled: with a group, their offsets are committed (periodically and on close). */
  handled(records: ConsumedRecord[]): void;
  /** Stop: commit what was handled (group) and close connections. */
  close(): Promise<void>;
}
