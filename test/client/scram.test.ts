import {describe, expect, it} from 'vitest';
import {ScramConversation} from '../../src/client/scram.js';

describe('SCRAM-SHA-256 (RFC 7677 test vector)', () => {
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

  it('computes the client proof and verifies the server signature', () => {
    const scram = new ScramConversation('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(scram.first().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(scram.final(Buffer.from(serverFirst)).toString()).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => scram.verify(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).not.toThrow();
  });

  it('rejects a wrong server signature, a foreign nonce and a server error', () => {
    const scram = new ScramConversation('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    scram.final(Buffer.from(serverFirst));
    expect(() => scram.verify(Buffer.from('v=AAAA'))).toThrow(/signature/);
    const other = new ScramConversation('sha256', 'user', 'pencil', 'abc');
    expect(() => other.final(Buffer.from(serverFirst))).toThrow(/invalid first message/);
    expect(() => other.final(Buffer.from('e=invalid-proof'))).toThrow(/invalid-proof/);
  });
});
