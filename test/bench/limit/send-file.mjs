// Load generator for the produce limit: streams a file to 127.0.0.1:PORT. Usage: node send-file.mjs PORT FILE
import {connect} from 'node:net';
import {createReadStream} from 'node:fs';
import {pipeline} from 'node:stream/promises';

const socket = connect(Number(process.argv[2]), '127.0.0.1');
await pipeline(createReadStream(process.argv[3], {highWaterMark: 1 << 20}), socket);
