/**
 * A live scenario to look at with `kstream lag --watch` (the tmux check in the README):
 *   npx tsx test/bench/lag-demo.ts            # prints the bootstrap address, runs until Ctrl-C
 * Groups: fast (keeps up), slow (50 records/s of 100/s), stopped (left after 4s),
 * rewound (caught up, left, then reset to the earliest offset with `kstream groups reset-offsets`).
 */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import path from 'node:path';
import {startLagScenario} from '../ops/lag/scenario.js';

const scenario = await startLagScenario({port: Number(process.env.PORT ?? 0)});
console.log(`bootstrap ${scenario.brokers}`);
await scenario.consume('fast');
await scenario.consume('slow', 20);
const stopped = await scenario.consume('stopped');
const rewound = await scenario.consume('rewound');
await new Promise((resolve) => setTimeout(resolve, 4000));
await stopped.disconnect();
await rewound.disconnect();
const bin = path.resolve(import.meta.dirname, '../../bin/dev.js');
// Asynchronously: the broker runs in this process and must keep answering while the CLI runs.
await promisify(execFile)(process.execPath, [bin, 'groups', 'reset-offsets', 'rewound', '--topic', 'orders', '--to-earliest', '--execute', '-b', scenario.brokers]);
console.log('ready: fast, slow, stopped, rewound');
process.once('SIGINT', () => void scenario.close().then(() => process.exit(0)));
process.once('SIGTERM', () => void scenario.close().then(() => process.exit(0)));
