/** Run kcat asynchronously (the broker lives in this process, so a blocking call would deadlock). */
import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';

export const KCAT = ['/usr/bin/kcat', '/usr/local/bin/kcat', '/usr/bin/kafkacat'].find((p) => existsSync(p));

export function kcat(args: string[], input?: string): Promise<{stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = execFile(KCAT!, args, {timeout: 30_000, maxBuffer: 64 << 20}, (err, stdout, stderr) => {
      if (err) reject(new Error(`kcat ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({stdout, stderr});
    });
    child.stdin!.end(input ?? '');
  });
}
