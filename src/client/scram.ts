/** SCRAM-SHA-256/512 client exchange (RFC 5802), for the project's own protocol client. */
import {createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual} from 'node:crypto';

export type ScramHash = 'sha256' | 'sha512';

function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) attrs.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return attrs;
}

/** One SCRAM conversation: first() -> server first -> final(serverFirst) -> server final -> verify(). */
export class ScramConversation {
  private readonly clientFirstBare: string;
  private serverSignature?: Buffer;

  constructor(
    private readonly hash: ScramHash,
    username: string,
    private readonly password: string,
    private readonly nonce = randomBytes(24).toString('base64'),
  ) {
    this.clientFirstBare = `n=${saslName(username)},r=${this.nonce}`;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8');
    const attrs = parseAttributes(text);
    if (attrs.has('e')) throw new Error(`SCRAM authentication failed: ${attrs.get('e')}`);
    const serverNonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!serverNonce?.startsWith(this.nonce) || !salt || !Number.isInteger(iterations) || iterations < 1) {
      throw new Error('SCRAM authentication failed: the server sent an invalid first message');
    }
    const keyLength = this.hash === 'sha256' ? 32 : 64;
    const salted = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), iterations, keyLength, this.hash);
    const clientKey = createHmac(this.hash, salted).update('Client Key').digest();
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const finalWithoutProof = `c=biws,r=${serverNonce}`;
    const authMessage = `${this.clientFirstBare},${text},${finalWithoutProof}`;
    const clientSignature = createHmac(this.hash, storedKey).update(authMessage).digest();
    const serverKey = createHmac(this.hash, salted).update('Server Key').digest();
    this.serverSignature = createHmac(this.hash, serverKey).update(authMessage).digest();
    return Buffer.from(`${finalWithoutProof},p=${xor(clientKey, clientSignature).toString('base64')}`);
  }

  verify(serverFinal: Buffer): void {
    const attrs = parseAttributes(serverFinal.toString('utf8'));
    if (attrs.has('e')) throw new Error(`SCRAM authentication failed: ${attrs.get('e')}`);
    const v = Buffer.from(attrs.get('v') ?? '', 'base64');
    if (!this.serverSignature || v.length !== this.serverSignature.length || !timingSafeEqual(v, this.serverSignature)) {
      throw new Error('SCRAM authentication failed: the server signature does not match');
    }
  }
}
