/**
 * The oclif Config of the TypeScript sources (./commands instead of ./dist/commands), for
 * bin/dev.js and the man page generator. The caller registers tsx first.
 *
 * The root plugin is loaded with `ignoreManifest`: oclif.manifest.json (written by `npm run
 * build`) describes dist/commands, and development must always see the sources as they are now.
 * Handing oclif a root plugin makes it skip loading the other plugins, so the core plugins
 * (@oclif/plugin-autocomplete) are loaded explicitly.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {Config, Plugin, settings} from '@oclif/core';

export async function loadSourceConfig(root: string): Promise<Config> {
  const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  pjson.oclif.commands = './commands';
  settings.enableAutoTranspile = false;
  const rootPlugin = new Plugin({root, pjson, isRoot: true, ignoreManifest: true});
  await rootPlugin.load();
  const config = new Config({root, pjson, plugins: new Map([[rootPlugin.name, rootPlugin]])});
  await config.load();
  await config.loadPluginsAndCommands({force: true});
  // A fresh Config over the complete plugin list (what oclif's own reload does), so that the
  // root plugin's commands are registered once.
  return Config.load(config);
}
