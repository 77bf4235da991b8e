// dist/cli/: the installed `kstream` as a few ES module files instead of ~170 (README
// "Benchmarks", CLI cold start). Most of a short command's start-up was Node finding, reading and
// compiling the modules of @oclif/core, its dependencies and dist/src one file at a time; bundled,
// `kstream topics list` starts ~45 ms sooner. Run by scripts/build.mjs after tsc, from its output.
//
// - One entry per command (dist/cli/commands/..., where package.json's oclif.commands points) plus
//   dist/cli/execute.js for bin/run.js. Code splitting puts what they share in dist/cli/chunks/,
//   so one @oclif/core instance serves bin/run.js and the command it runs, and a command loads
//   only the chunks it imports.
// - Left out, and loaded from node_modules as before: native addons, ink and react (one React
//   instance for the TUI and its tests), and typescript (oclif requires it only in development).
// - `kstream broker start` is not bundled: a long-running broker gains nothing from a faster start,
//   and its stack traces and CPU profiles should name the real files in dist/src. Its entry is a
//   one-line re-export of the tsc output.
// - Not minified, so that the bundled code stays readable in a stack trace.
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {build} from 'esbuild';

export const BUNDLE_DIR = path.join('dist', 'cli');
const UNBUNDLED_COMMANDS = ['broker/start'];
const EXTERNAL = ['@mongodb-js/zstd', 'zstd-napi', '@node-rs/crc32', 'lz4-napi', 'snappy', 'ink', 'react', 'react/*', 'typescript', 'ts-node'];

// Bundled CommonJS (@oclif/core and most of its dependencies) calls require() for Node's modules.
const REQUIRE_SHIM = "import {createRequire as kstreamCreateRequire} from 'node:module'; const require = kstreamCreateRequire(import.meta.url);";

/** Bundles dist/commands (the tsc output) into <root>/dist/cli; returns the number of commands. */
export async function bundleCli(root) {
  const out = path.join(root, BUNDLE_DIR);
  rmSync(out, {recursive: true, force: true});
  const compiled = path.join(root, 'dist', 'commands');
  const commands = readdirSync(compiled, {recursive: true}).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3).split(path.sep).join('/'));
  const entryPoints = {execute: path.join(root, 'scripts', 'cli-entry.mjs')};
  for (const id of commands) if (!UNBUNDLED_COMMANDS.includes(id)) entryPoints[`commands/${id}`] = path.join(compiled, `${id}.js`);
  await build({
    entryPoints, outdir: out, chunkNames: 'chunks/[name]-[hash]',
    bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
    external: EXTERNAL, banner: {js: REQUIRE_SHIM}, logLevel: 'warning',
  });
  for (const id of UNBUNDLED_COMMANDS) {
    const file = path.join(out, 'commands', `${id}.js`);
    mkdirSync(path.dirname(file), {recursive: true});
    const target = path.relative(path.dirname(file), path.join(compiled, `${id}.js`)).split(path.sep).join('/');
    writeFileSync(file, `// Not bundled: scripts/bundle-cli.mjs.\nexport {default} from '${target}';\n`);
  }
  return commands.length;
}
