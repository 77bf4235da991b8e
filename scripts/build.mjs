// `npm run build` (also run by `prepare`, i.e. `npm ci`/`npm install`, with --if-stale): compiles
// to dist/ with tsc, bundles the CLI into dist/cli (scripts/bundle-cli.mjs), then writes
// oclif.manifest.json from dist/cli in the same step, so that the checkout's bin/run.js and an
// installed package start from the manifest and it always describes the dist/ next to it. The old
// manifest is removed first: if writing it fails, bin/run.js falls back to importing the commands
// (slower, never wrong); if bundling fails, the build stops there with esbuild's error. tsc emits
// dist/ even when it reports type errors, so the bundle and manifest are made from what it emitted
// and the build still fails. With --if-stale it does nothing when the last successful build is
// newer than everything it is built from (scripts/build-stamp.mjs).
import {spawnSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundleCli} from './bundle-cli.mjs';
import {buildIsCurrent, STAMP, writeBuildStamp} from './build-stamp.mjs';
import {MANIFEST, removeManifest, writeManifest} from './oclif-manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--if-stale') && buildIsCurrent(root)) {
  console.log(`dist/ is up to date (${STAMP} is newer than the sources): not rebuilding`);
  process.exit(0);
}
rmSync(path.join(root, STAMP), {force: true});
removeManifest(root);
const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const tsc = spawnSync(process.execPath, [tscBin, '-p', 'tsconfig.json'], {cwd: root, stdio: 'inherit'});
if (tsc.error) throw tsc.error;
console.log(`dist/cli: ${await bundleCli(root)} commands bundled`);
const count = await writeManifest(root);
console.log(`${MANIFEST}: ${count} commands`);
process.exitCode = tsc.status ?? 1;
if (process.exitCode === 0) writeBuildStamp(root);
