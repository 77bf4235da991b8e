/** Regenerates man/ from the command definitions: `npm run man`. */
import {mkdir, readdir, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {generateManPages} from '../src/cli/man-pages.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'man');
const pages = await generateManPages(root);
await mkdir(outDir, {recursive: true});
for (const name of await readdir(outDir)) if (name.endsWith('.1') && !pages.has(name)) await rm(path.join(outDir, name));
for (const [name, text] of pages) await writeFile(path.join(outDir, name), text);
console.log(`wrote ${pages.size} man pages to man/`);
