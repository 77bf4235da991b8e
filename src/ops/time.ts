/**
 * Times and durations as Kafka's tools take them: --to-datetime 'YYYY-MM-DDTHH:mm:SS.sss' with an
 * optional zone (none means UTC, as Kafka's Utils.getDateTime appends "Z"), and --by-duration in
 * java.time.Duration's ISO-8601 form PnDTnHnMnS.
 */
import {UsageError} from '../output/errors.js';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Milliseconds since the epoch; also accepts a bare number of epoch milliseconds. */
export function parseDateTime(text: string): number {
  const trimmed = text.trim();
  if (/^\d{10,}$/.test(trimmed)) return Number(trimmed);
  const m = DATETIME.exec(trimmed);
  const fail = () => new UsageError(`invalid date-time "${text}"`, "Expected ISO-8601 like 2024-05-01T12:00:00.000 (UTC unless a zone such as Z or +02:00 is given), or epoch milliseconds");
  if (!m) throw fail();
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  if (fields[1] < 1 || fields[1] > 12 || fields[2] < 1 || fields[2] > 31 || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) throw fail();
  let utc = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms);
  if (new Date(utc).getUTCDate() !== fields[2]) throw fail(); // 2024-02-31 and the like
  if (zone !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const offsetMin = (Number(zm[2]) * 60 + Number(zm[3] ?? '0')) * (zm[1] === '+' ? 1 : -1);
    utc -= offsetMin * 60_000;
  }
  return utc;
}

const DURATION = /^([+-])?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,9}))?S)?)?$/i;

/** Milliseconds in an ISO-8601 duration such as P1DT2H30M or PT15M (negative with a leading -). */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim().toUpperCase().endsWith('T') || /^[+-]?P$/i.test(text.trim())) {
    throw new UsageError(`invalid duration "${text}"`, 'Expected ISO-8601 PnDTnHnMnS, e.g. PT30M (30 minutes) or P1DT12H (1.5 days)');
  }
  const [, sign, d = '0', h = '0', mi = '0', s = '0', frac = '0'] = m;
  const ms = (((Number(d) * 24 + Number(h)) * 60 + Number(mi)) * 60 + Number(s)) * 1000 + Number(frac.padEnd(3, '0').slice(0, 3));
  return sign === '-' ? -ms : ms;
}
