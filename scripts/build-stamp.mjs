// Whether dist/ (with the CLI bundle and oclif.manifest.json) was built after the last change to
// anything it is built from. `prepare` builds only when it was not (scripts/build.mjs --if-stale):
// npm runs `prepare` on `npm ci` and `npm install`, and `npx kstream` in a checkout links the
// checkout into npm's npx cache and runs it again there, which made the first `npx kstream broker
// start` after `npm ci` rebuild everything (about 10 s) before starting.
import {existsSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';

/** What the build reads: the compiled sources, the build scripts, and what selects the dependencies. */
const INPUT_DIRS = ['src', 'commands', 'scripts', 'bin'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
/** What a build leaves: the last thing written is the stamp. */
const OUTPUTS = ['dist/cli/execute.js', 'oclif.manifest.json'];
export const STAMP = 'dist/.build-stamp';

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when the stamp and every output exist and the stamp is newer than every input. */
export function buildIsCurrent(root) {
  const stamp = path.join(root, STAMP);
  if (!existsSync(stamp) || OUTPUTS.some((f) => !existsSync(path.join(root, f)))) return false;
  let newest = 0;
  for (const dir of INPUT_DIRS) if (existsSync(path.join(root, dir))) newest = Math.max(newest, newestIn(path.join(root, dir)));
  for (const file of INPUT_FILES) if (existsSync(path.join(root, file))) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return statSync(stamp).mtimeMs > newest;
}

/** Record a successful build (written last, so an interrupted build leaves no stamp). */
export function writeBuildStamp(root) {
  writeFileSync(path.join(root, STAMP), `${new Date().toISOString()}\n`);
}
