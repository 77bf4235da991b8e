import {readFile, writeFile} from 'node:fs/promises';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {type FileHandle, NodeFileSystem} from '../../src/storage/fs.js';
import {tempDir} from './helpers.js';

describe('FileHandle.writeManyNow (the writes of appends stacked in one round)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  let handle: FileHandle;

  beforeEach(async () => {
    ({dir, cleanup} = await tempDir());
    file = path.join(dir, 'segment.log');
    await writeFile(file, 'head:');
    handle = await new NodeFileSystem().open(file);
  });
  afterEach(async () => {
    await handle.close().catch(() => undefined);
    await cleanup();
  });

  it('writes the parts one after another from the position, in one call', async () => {
    const parts = Array.from({length: 300}, (_, i) => Buffer.from(`<${i}>`));
    expect(handle.writeManyNow!(parts, 5)).toBe(true);
    expect((await readFile(file)).toString()).toBe(`head:${parts.join('')}`);
  });

  it('refuses, writing nothing, when a part is larger than a synchronous write may be', async () => {
    expect(handle.writeManyNow!([Buffer.from('small'), Buffer.alloc(64 * 1024 + 1)], 5)).toBe(false);
    expect((await readFile(file)).toString()).toBe('head:');
  });
});
