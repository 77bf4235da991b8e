#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build step); used by the CLI tests and during development.
import {execute} from '@oclif/core';

await execute({development: true, dir: import.meta.url});
