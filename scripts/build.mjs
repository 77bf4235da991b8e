// `npm run build` (also run by `prepare`, i.e. `npm ci`/`npm install`, and by `prepack`): compiles
// to dist/ with tsc, then writes oclif.manifest.json from dist/ in the same step, so that the
// checkout's bin/run.js and an installed package start from the manifest and it always describes
// the dist/ next to it. The old manifest is removed first: if anything below fails, bin/run.js
// falls back to importing the commands (slower, never wrong). tsc emits dist/ even when it reports
// type errors, so the manifest is written from what it emitted and the build still fails.
import {spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {MANIFEST, removeManifest, writeManifest} from './oclif-manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
removeManifest(root);
const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const tsc = spawnSync(process.execPath, [tscBin, '-p', 'tsconfig.json'], {cwd: root, stdio: 'inherit'});
if (tsc.error) throw tsc.error;
const count = await writeManifest(root);
console.log(`${MANIFEST}: ${count} commands`);
process.exitCode = tsc.status ?? 1;
