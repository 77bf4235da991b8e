import {mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
// @ts-expect-error: a plain .mjs build script, without types
import {buildIsCurrent, writeBuildStamp} from '../../scripts/build-stamp.mjs';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, {recursive: true, force: true});
});

/** A checkout as the build leaves it, its inputs written a minute before now. */
function builtCheckout(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kstream-stamp-'));
  roots.push(root);
  const files = ['src/broker/broker.ts', 'commands/broker/start.ts', 'scripts/build.mjs', 'bin/run.js', 'package.json',
    'package-lock.json', 'tsconfig.json', 'dist/cli/execute.js', 'oclif.manifest.json'];
  const past = new Date(Date.now() - 60_000);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), {recursive: true});
    writeFileSync(path.join(root, file), '');
    utimesSync(path.join(root, file), past, past);
  }
  return root;
}

describe('the build stamp (prepare builds only when dist/ is older than its sources)', () => {
  it('says the build is current only once a build has stamped it', () => {
    const root = builtCheckout();
    expect(buildIsCurrent(root)).toBe(false);
    writeBuildStamp(root);
    expect(buildIsCurrent(root)).toBe(true);
  });

  it('is stale once any input changes after the build, however deep', () => {
    for (const input of ['src/broker/broker.ts', 'commands/broker/start.ts', 'scripts/build.mjs', 'bin/run.js', 'package-lock.json', 'tsconfig.json']) {
      const root = builtCheckout();
      writeBuildStamp(root);
      const later = new Date(Date.now() + 60_000);
      utimesSync(path.join(root, input), later, later);
      expect(buildIsCurrent(root), input).toBe(false);
    }
  });

  it('is stale when an output is missing, whatever the stamp says', () => {
    for (const output of ['dist/cli/execute.js', 'oclif.manifest.json']) {
      const root = builtCheckout();
      writeBuildStamp(root);
      rmSync(path.join(root, output));
      expect(buildIsCurrent(root), output).toBe(false);
    }
  });
});
