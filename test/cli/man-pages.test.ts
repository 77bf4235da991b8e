import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {generateManPages, roffEscape} from '../../src/cli/man-pages.js';

const root = path.resolve(__dirname, '../..');

describe('man pages', () => {
  it('escapes roff control characters', () => {
    expect(roffEscape('.start\n--flag a\\b')).toBe('\\&.start\n\\-\\-flag a\\eb');
  });

  it('are up to date with the command definitions (run `npm run man` after changing a command)', async () => {
    const pages = await generateManPages(root);
    const committed = (await readdir(path.join(root, 'man'))).filter((n) => n.endsWith('.1')).sort();
    expect(committed).toEqual([...pages.keys()].sort());
    for (const [name, text] of pages) expect(await readFile(path.join(root, 'man', name), 'utf8'), name).toBe(text);
  });

  it('document every flag and example of a command', async () => {
    const page = (await generateManPages(root)).get('kstream-profile-create.1')!;
    expect(page).toContain('\\-\\-sasl\\-mechanism=plain|scram\\-sha\\-256|scram\\-sha\\-512');
    expect(page).toContain('kstream profile create local \\-b 127.0.0.1:9092');
  });

  it('say once that a flag repeats, and show no empty default', async () => {
    const pages = await generateManPages(root);
    expect(pages.get('kstream-produce.1')).toContain('header key=value on every record (repeatable)\n');
    for (const [name, text] of pages) {
      expect(text, name).not.toContain('(repeatable) (repeatable)');
      expect(text, name).not.toContain('(default: )');
    }
  });
});
