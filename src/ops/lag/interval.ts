/** `--interval` values: 2s, 500ms, 1m, or a bare number of seconds. */
import {UsageError} from '../../output/errors.js';

export function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000) : NaN;
  if (!m || ms < 100 || ms > 3_600_000) {
    throw new UsageError(`invalid interval "${text}"`, 'Give a duration between 100ms and 1h, such as 2s, 500ms or 1m');
  }
  return Math.round(ms);
}
