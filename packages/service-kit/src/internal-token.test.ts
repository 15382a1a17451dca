import { SignJWT, generateKeyPair, type KeyLike } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER } from '@excloud/contracts';
import { SYSTEM_SUBJECT, createTokenVerifier } from './internal-token';

describe('internal token verifier', () => {
  const sign = async (key: KeyLike, subject: string, claims: Record<string, string> = {}, audience = INTERNAL_TOKEN_AUDIENCE) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setSubject(subject).setAudience(audience).setIssuer(INTERNAL_TOKEN_ISSUER).setExpirationTime('5m').sign(key);

  it('accepts an org token signed by the trusted key and nothing else', async () => {
    const trusted = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('ES256');
    const verifier = createTokenVerifier({ keys: trusted.publicKey as never });
    expect(await verifier.verify(await sign(trusted.privateKey, 'acme'))).toBe('acme');
    await expect(verifier.verify(await sign(stranger.privateKey, 'acme'))).rejects.toThrow();
    await expect(verifier.verify(await sign(trusted.privateKey, 'acme', {}, 'someone-else'))).rejects.toThrow();
    await expect(verifier.verify(await sign(trusted.privateKey, '../evil'))).rejects.toThrow();
  });

  it('keeps system tokens and org tokens apart', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const verifier = createTokenVerifier({ keys: publicKey as never });
    const system = await sign(privateKey, SYSTEM_SUBJECT, { scope: 'system' });
    await expect(verifier.verifySystem(system)).resolves.toBeUndefined();
    await expect(verifier.verify(system)).rejects.toThrow();
    await expect(verifier.verifySystem(await sign(privateKey, 'acme'))).rejects.toThrow();
    await expect(verifier.verifySystem(await sign(privateKey, 'acme', { scope: 'system' }))).rejects.toThrow();
  });
});
