// Writes oclif.manifest.json (the command list with their flags) from the built commands in
// dist/, so that an installed kstream starts without importing every command module.
// Run by `npm pack`/`npm publish` (prepack); a development checkout has none, so the commands'
// sources are always read fresh there.
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Config} from '@oclif/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = await Config.load({root});
const plugin = config.getPluginsList().find((p) => p.isRoot);
writeFileSync(path.join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest));
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
