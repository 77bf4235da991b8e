/**
 * Generator entry point: `tsx src/protocol/codegen/main.ts <messages dir> <output dir>`.
 * Reads every *.json definition, writes schemas.ts, types.ts and api-keys.ts.
 */
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {emitApiKeys, emitSchemas, emitTypes} from './emit.js';
import {parseMessage, type ModelMessage} from './model.js';

export function loadDefinitions(dir: string): ModelMessage[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no *.json message definitions in ${dir}`);
  return files.map((f) => parseMessage(readFileSync(join(dir, f), 'utf8'), f));
}

/** Generated file name -> contents. */
export function generate(inputDir: string): Map<string, string> {
  const messages = loadDefinitions(inputDir);
  return new Map([
    ['schemas.ts', emitSchemas(messages)],
    ['types.ts', emitTypes(messages)],
    ['api-keys.ts', emitApiKeys(messages)],
  ]);
}

/** Generates into `outputDir` (created if missing); returns the file names written. */
export function writeGenerated(inputDir: string, outputDir: string): string[] {
  mkdirSync(outputDir, {recursive: true});
  const files = generate(inputDir);
  for (const [name, text] of files) writeFileSync(join(outputDir, name), text);
  return [...files.keys()];
}

function main(argv: string[]): void {
  const [inputDir, outputDir] = argv;
  if (!inputDir || !outputDir) {
    process.stderr.write('usage: tsx src/protocol/codegen/main.ts <messages dir> <output dir>\n');
    process.exit(2);
  }
  writeGenerated(inputDir, outputDir);
  process.stdout.write(`generated ${outputDir}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
