#!/usr/bin/env node
// The installed `kstream` (and `node bin/run.js` in a checkout after `npm run build`). Start-up
// time matters here (README "Benchmarks"): oclif reads the commands from oclif.manifest.json,
// written by the build next to dist/, and imports only the command that runs.
// - @oclif/core/execute rather than the package index: `--version` and `--help` then load ~13
//   fewer modules (a command module still imports the index when it runs).
// - oclif's check that Node satisfies @oclif/core's own `engines` needs semver (~20 ms on every
//   start); kstream's requirement is the `engines` of its package.json, which npm checks.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const {execute} = await import('@oclif/core/execute');

await execute({dir: import.meta.url});
