/**
 * The broker logs one line per event: strings chosen by clients (group ids, member ids built from
 * client ids) reach log lines and may hold line breaks or terminal escapes, so control characters
 * are written escaped (\n, \r, \x1b, \u2028) instead of breaking or colouring the output.
 */

// C0 controls except tab, DEL, C1 controls, and Unicode's line and paragraph separators.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g;

const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r'};

export function oneLine(line: string): string {
  return line.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff
    ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
    : `\\u${c.charCodeAt(0).toString(16)}`));
}
