/**
 * Socket reads into one reused buffer. Node gives each read of a socket's 'data' events a fresh
 * 64 KiB buffer; at hundreds of MB/s of Produce that memory is what V8 answers with mark-compacts
 * (external memory pressure). Node's `onread` option (documented for net.connect and
 * new net.Socket) reads into a buffer of the caller's instead, but a server has no such option for
 * the sockets it accepts, so it is set on them here the way the Socket constructor sets it: the
 * socket's own kBuffer/kBufferCb fields and its handle's useUserBuffer. Where a Node release lacks
 * them, the socket keeps its 'data' events.
 */
import type {Socket} from 'node:net';

/** Size of the read buffer: what Node reads at a time anyway. */
export const READ_BUFFER_BYTES = 64 * 1024;

/**
 * One buffer for every socket: a read is delivered to its callback before the event loop makes
 * the next read of any socket, and the callback copies what it keeps. So 1,000 idle connections
 * hold no read memory (with 'data' events Node allocates per read; this buffer is allocated once).
 */
let shared: Buffer | undefined;

interface UserBufferHandle {
  useUserBuffer(buffer: Uint8Array): void;
}

/**
 * Deliver `socket`'s bytes to `onChunk` as views of one buffer of READ_BUFFER_BYTES, shared by all
 * sockets and reused by the next read as soon as `onChunk` returns: `onChunk` must copy what it
 * keeps. Call it before the socket's first read (in the server's 'connection' handler). Returns
 * false, changing nothing, where this Node cannot. Pause and resume work as with 'data' events;
 * 'end', 'error' and 'close' come as usual.
 */
export function readIntoReusedBuffer(socket: Socket, onChunk: (chunk: Buffer) => void): boolean {
  const symbols = Object.getOwnPropertySymbols(socket);
  const kBuffer = symbols.find((s) => s.description === 'kBuffer');
  const kBufferCb = symbols.find((s) => s.description === 'kBufferCb');
  const kBufferGen = symbols.find((s) => s.description === 'kBufferGen');
  const handle = (socket as unknown as {_handle?: Partial<UserBufferHandle>})._handle;
  if (!kBuffer || !kBufferCb || typeof handle?.useUserBuffer !== 'function') return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  // All null in every socket Node made without onread; anything else is a Node this was not written for.
  if (fields[kBuffer] !== null || fields[kBufferCb] !== null || (kBufferGen && fields[kBufferGen] !== null)) return false;
  // Bytes already read would come as 'data' events, after bytes read later.
  if (socket.readableLength > 0) return false;
  const buffer = (shared ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES));
  fields[kBuffer] = buffer;
  fields[kBufferCb] = (nread: number) => {
    onChunk(buffer.subarray(0, nread));
  };
  handle.useUserBuffer(buffer);
  return true;
}
