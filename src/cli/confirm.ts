/** Asking a person before a destructive change; scripts must say --yes. */
import readline from 'node:readline/promises';
import {KstreamError} from '../output/errors.js';

export async function confirmOrRefuse(question: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new KstreamError('refusing to make this change without confirmation', {hint: 'Not on a terminal: pass --yes to confirm', exitCode: 2});
  }
  const rl = readline.createInterface({input: process.stdin, output: process.stderr});
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new KstreamError('cancelled; nothing was changed', {exitCode: 1});
  } finally {
    rl.close();
  }
}
