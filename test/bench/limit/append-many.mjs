// The scale rows' machine limit: what a Produce to N partitions and a Fetch from all of them cost the
// kernel, done by a bare loop. Makes N directories, each with an empty segment file kept open (as
// the broker has them after CreateTopics; not timed), then times ROUNDS rounds of one positional
// writeSync of a BATCH_BYTES batch at the end of every file (the first round writes each file's
// first block), then one round of one readSync of every file's whole content into one buffer.
// Plain JavaScript like the other limit programs; the caller removes DIR.
// Usage: node append-many.mjs DIR N BATCH_BYTES ROUNDS
// Prints "append R ms M" per round, then "read ms M bytes B".
import {mkdirSync, openSync, readSync, writeSync} from 'node:fs';
import {join} from 'node:path';

const [dir, n, batchBytes, rounds] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a)));
const batch = Buffer.alloc(batchBytes, 120);
const fds = [];
for (let i = 0; i < n; i++) {
  const partition = join(dir, `p-${i}`);
  mkdirSync(partition, {recursive: true});
  fds.push(openSync(join(partition, '00000000000000000000.log'), 'w+'));
}
let size = 0;
for (let r = 1; r <= rounds; r++) {
  const start = performance.now();
  for (const fd of fds) {
    for (let at = 0; at < batch.length;) at += writeSync(fd, batch, at, batch.length - at, size + at);
  }
  size += batch.length;
  process.stdout.write(`append ${r} ms ${performance.now() - start}\n`);
}
const out = Buffer.allocUnsafe(n * size);
const start = performance.now();
let bytes = 0;
for (const fd of fds) bytes += readSync(fd, out, bytes, size, 0);
process.stdout.write(`read ms ${performance.now() - start} bytes ${bytes}\n`);
