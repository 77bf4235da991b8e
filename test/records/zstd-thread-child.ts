/** zstd-thread.test.ts's child: decodes through the thread, prints the result, and must then exit by itself. */
import {zstdThread} from '../../src/records/zstd-thread.js';
import {streamed} from './helpers/zstd-streamed.js';

const plain = Buffer.from('kafka records '.repeat(50_000));
const done = await zstdThread!.decode(streamed(plain), (out) => ({equal: out.equals(plain), shared: out.buffer instanceof SharedArrayBuffer}));
process.stdout.write(JSON.stringify(done));
