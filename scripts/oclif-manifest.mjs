// oclif.manifest.json: the command list with every command's flags, args and descriptions, so
// that `kstream ...` (bin/run.js) starts without importing all the command modules. Derived from
// the compiled commands in dist/, by scripts/build.mjs right after tsc, so the two never disagree.
// bin/dev.js and the man pages load the sources and never read it (src/cli/source-config.ts).
import {renameSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {Plugin} from '@oclif/core';

export const MANIFEST = 'oclif.manifest.json';

/** Writes `<root>/oclif.manifest.json` from the commands the package.json points at (dist/cli/commands). */
export async function writeManifest(root) {
  // ignoreManifest: an existing manifest must not be copied into the new one (it may be stale);
  // errorOnManifestCreate: a command module that fails to load fails the build instead of
  // silently leaving the command out; respectNoCacheDefault: as `oclif manifest` does.
  const plugin = new Plugin({root, isRoot: true, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true});
  await plugin.load();
  const count = Object.keys(plugin.manifest.commands).length;
  if (count === 0) throw new Error(`no commands found under ${path.join(root, plugin.pjson.oclif.commands ?? '?')}: not writing ${MANIFEST}`);
  const file = path.join(root, MANIFEST);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(plugin.manifest));
  renameSync(tmp, file);
  return count;
}

export function removeManifest(root) {
  rmSync(path.join(root, MANIFEST), {force: true});
}
