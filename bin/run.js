#!/usr/bin/env node
// The installed `kstream` (and `node bin/run.js` in a checkout after `npm run build`). Start-up
// time matters here (README "Benchmarks"): oclif reads the commands from oclif.manifest.json,
// written by the build next to dist/, and imports only the command that runs.
// - dist/cli/execute.js is @oclif/core bundled with what the commands share (scripts/bundle-cli.mjs):
//   a few files to load instead of ~170. Without a bundle (a bare tsc build), oclif runs unbundled.
// - oclif's check that Node satisfies @oclif/core's own `engines` needs semver (~20 ms on every
//   start); kstream's requirement is the `engines` of its package.json, which npm checks.
import {existsSync} from 'node:fs';

process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const bundle = new URL('../dist/cli/execute.js', import.meta.url);
const {execute} = await import(existsSync(bundle) ? bundle.href : '@oclif/core/execute');

await execute({dir: import.meta.url});
