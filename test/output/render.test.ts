import chalk from 'chalk';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cliTable, formatTable, loadColour, plainTable, renderView} from '../../src/output/render.js';

describe('renderView', () => {
  const view = {topic: 't', offsets: [0n, 2n ** 63n - 1n]};
  const table = () => 'TABLE';

  it('renders JSON, YAML (bigints as numbers when exact, else strings) or the table', () => {
    expect(renderView(view, 'json', table)).toBe('{\n  "topic": "t",\n  "offsets": [\n    0,\n    "9223372036854775807"\n  ]\n}');
    expect(renderView(view, 'yaml', table)).toBe('topic: t\noffsets:\n  - 0\n  - "9223372036854775807"');
    expect(renderView(view, 'table', table)).toBe('TABLE');
  });
});

describe('formatTable', () => {
  // chalk is imported only for coloured output (BaseCommand.init does this for the commands).
  beforeAll(loadColour);
  const level = chalk.level;
  const env = {NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR};
  afterEach(() => {
    chalk.level = level;
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });

  it('aligns columns, two spaces apart, without trailing spaces; null is "-"', () => {
    process.env.NO_COLOR = '1';
    expect(formatTable(['NAME', 'PARTITIONS', 'X'], [['a', 3, null], ['long-topic-name', 12n, '']])).toBe(
      'NAME             PARTITIONS  X\n' +
      'a                3           -\n' +
      'long-topic-name  12',
    );
  });

  it('draws plain ASCII tables exactly as cli-table3 does, with and without bold headers', () => {
    let seed = 42;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const text = () => Array.from({length: random(4) === 0 ? 0 : random(14)}, () => String.fromCharCode(0x20 + random(95))).join('');
    chalk.level = 1;
    for (let t = 0; t < 300; t++) {
      const columns = 1 + random(5);
      const headers = Array.from({length: columns}, text);
      const rows = Array.from({length: random(6)}, () => Array.from({length: columns}, text));
      for (const colour of [false, true]) expect(plainTable(headers, rows, colour), JSON.stringify({headers, rows, colour})).toBe(cliTable(headers, rows, colour));
    }
    expect(plainTable(['NAME'], [], true)).toBe('\u001b[1mNAME\u001b[22m');
  });

  it('leaves any other text to cli-table3, which measures wide characters by their columns', () => {
    process.env.NO_COLOR = '1';
    expect(formatTable(['GROUP', 'STATE'], [['日本', 'Stable'], ['tab\there', 'Empty'], ['ab', 'Dead']])).toBe(cliTable(['GROUP', 'STATE'], [['日本', 'Stable'], ['tab\there', 'Empty'], ['ab', 'Dead']], false));
    expect(formatTable(['GROUP', 'STATE'], [['日本', 'Stable'], ['ab', 'Dead']])).toBe('GROUP  STATE\n日本   Stable\nab     Dead');
  });
});
