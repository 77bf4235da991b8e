#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step); used by the CLI tests and during development.
// tsx compiles on import; oclif is pointed at ./commands (the sources) instead of ./dist/commands,
// and never reads oclif.manifest.json, which describes dist/ (src/cli/source-config.ts).
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {register} from 'tsx/esm/api';

register();
const {execute} = await import('@oclif/core');
const {loadSourceConfig} = await import('../src/cli/source-config.ts');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await execute({loadOptions: await loadSourceConfig(root)});
