#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step); used by the CLI tests and during development.
// tsx compiles on import; oclif is pointed at ./commands (the sources) instead of ./dist/commands.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {register} from 'tsx/esm/api';

register();
const {execute, settings} = await import('@oclif/core');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
pjson.oclif.commands = './commands';
settings.enableAutoTranspile = false;
await execute({loadOptions: {root, pjson}});
