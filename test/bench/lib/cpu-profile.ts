/**
 * Summarizes V8 .cpuprofile files (node --cpu-prof): self time per function and per file, and
 * inclusive time of the project's own functions, as % of all samples. Also runnable on its own:
 *   npx tsx test/bench/lib/cpu-profile.ts DIR_OR_FILE...
 */
import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: {functionName: string; url: string; lineNumber: number};
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = `${join(import.meta.dirname, '..', '..', '..')}/`;
/** Paths relative to the project (dist/src/..., node_modules/pkg/...); node's own modules as node:... */
const shortUrl = (url: string): string => url.replace(/^file:\/\//, '').replace(ROOT, '') || '(native)';
/** The package or project directory a file belongs to: node_modules/@scope/pkg, dist/src/broker, node:internal. */
const packageOf = (file: string): string => {
  const m = /^(node_modules\/(?:@[^/]+\/)?[^/]+|dist\/(?:src|commands)\/[^/]+)/.exec(file);
  return m ? m[1]! : file.startsWith('node:') ? 'node:*' : file;
};
const keyOf = (n: ProfileNode): string => `${shortUrl(n.callFrame.url)}:${n.callFrame.functionName || '(anonymous)'}:${n.callFrame.lineNumber + 1}`;

function accumulate(profile: Profile, self: Map<string, number>, inclusive: Map<string, number>, files: Map<string, number>, packages: Map<string, number>): number {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfById = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
    selfById.set(id, (selfById.get(id) ?? 0) + dt);
    total += dt;
  });
  // Inclusive time: walk from the root, counting each function once per stack (recursion safe).
  const walk = (node: ProfileNode, onStack: Set<string>): number => {
    let sum = selfById.get(node.id) ?? 0;
    const key = keyOf(node);
    const first = !onStack.has(key);
    if (first) onStack.add(key);
    for (const child of node.children ?? []) sum += walk(byId.get(child)!, onStack);
    if (first) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
    }
    return sum;
  };
  walk(profile.nodes[0]!, new Set());
  for (const [id, t] of selfById) {
    const node = byId.get(id)!;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + t);
    const file = shortUrl(node.callFrame.url) || node.callFrame.functionName;
    files.set(file, (files.get(file) ?? 0) + t);
    packages.set(packageOf(file), (packages.get(packageOf(file)) ?? 0) + t);
  }
  return total;
}

function top(map: Map<string, number>, total: number, n: number, filter: (k: string) => boolean = () => true): string[] {
  return [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, t]) => `  ${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

export async function summarizeProfiles(...paths: string[]): Promise<string> {
  const files: string[] = [];
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) files.push(...(await readdir(p)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(p, f)));
    else files.push(p);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const f of files) total += accumulate(JSON.parse(await readFile(f, 'utf8')) as Profile, self, inclusive, byFile, byPackage);
  if (total === 0) return `no samples in ${paths.join(', ')}`;
  return [
    `CPU profile (${files.length} file(s), ${(total / 1e6).toFixed(1)} s sampled)`,
    'Self time by function:', ...top(self, total, 25),
    'Self time by file:', ...top(byFile, total, 15),
    'Self time by package or project directory:', ...top(byPackage, total, 12),
    "Inclusive time, the project's own functions:", ...top(inclusive, total, 25, (k) => k.startsWith('dist/src/') || k.startsWith('dist/commands/')),
  ].join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  process.stdout.write(`${await summarizeProfiles(...process.argv.slice(2))}\n`);
}
