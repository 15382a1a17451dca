import type { IncomingMessage } from 'node:http';
import type { AuthClient } from '@excloud/internal-client';
import { S3Error } from '@excloud/s3-protocol';
import { canonicalRequest, computeSignature, deriveSigningKey, parseAuth, stringToSign } from '@excloud/sigv4';
import { Authenticator, toRequestLike } from './authenticate';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

/** A header-signed GET, signed the way a client would. */
function signedRequest(path: string, secret = SECRET): IncomingMessage {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host: 'localhost:9000', 'x-amz-date': amzDate, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const scope = `${date}/auto/s3/aws4_request`;
  // Sign with a placeholder signature first: parseAuth needs a complete header to describe the request.
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${KEY_ID}/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`;
  const req = { method: 'GET', url: path, headers } as unknown as IncomingMessage;
  const parsed = parseAuth(toRequestLike(req))!;
  const sts = stringToSign(parsed, canonicalRequest(toRequestLike(req), parsed));
  headers.authorization = headers.authorization.replace(/Signature=0+$/, `Signature=${computeSignature(deriveSigningKey(secret, date, 'auto', 's3'), sts)}`);
  return req;
}

function fakeAuth() {
  const calls: number[] = [];
  const auth = {
    verify: async (r: { date: string; region: string; service: string; stringToSign: string; signature: string }) => {
      calls.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 20));
      const key = deriveSigningKey(SECRET, r.date, r.region, r.service);
      if (computeSignature(key, r.stringToSign) !== r.signature) throw new S3Error('SignatureDoesNotMatch');
      return { orgId: 'acme', accessKeyId: KEY_ID, signingKey: key.toString('hex'), token: 't', tokenExpiresAt: Date.now() + 900_000 };
    },
  } as unknown as AuthClient;
  return { auth, calls };
}

describe('Authenticator', () => {
  it('asks auth once for many concurrent requests of one scope, and then not at all', async () => {
    const { auth, calls } = fakeAuth();
    const a = new Authenticator(auth, 10_000);
    const callers = await Promise.all(Array.from({ length: 20 }, (_, i) => a.authenticate(signedRequest(`/b/k${i}`), 'r')));
    expect(callers.every((c) => c?.orgId === 'acme')).toBe(true);
    expect(calls).toHaveLength(1);
    await a.authenticate(signedRequest('/b/again'), 'r');
    expect(calls).toHaveLength(1);
  });

  it('still checks every waiting request against the shared signing key', async () => {
    const { auth } = fakeAuth();
    const a = new Authenticator(auth, 10_000);
    const results = await Promise.allSettled([a.authenticate(signedRequest('/b/good'), 'r'), a.authenticate(signedRequest('/b/bad', 'x'.repeat(40)), 'r')]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'SignatureDoesNotMatch' } });
  });

  it('asks auth again once the TTL has passed (revocation takes effect)', async () => {
    const { auth, calls } = fakeAuth();
    const a = new Authenticator(auth, 0);
    await a.authenticate(signedRequest('/b/1'), 'r');
    await a.authenticate(signedRequest('/b/2'), 'r');
    expect(calls).toHaveLength(2);
  });

  it('drops a revoked key, or every key of a suspended org, at once however long the TTL', async () => {
    const { auth, calls } = fakeAuth();
    const a = new Authenticator(auth, 3_600_000);
    await a.authenticate(signedRequest('/b/1'), 'r');
    a.revoke({ accessKeyId: 'AKIAOTHERKEY00000000' });
    a.revoke({ orgId: 'other-org' });
    await a.authenticate(signedRequest('/b/2'), 'r');
    expect(calls).toHaveLength(1);
    a.revoke({ accessKeyId: KEY_ID });
    await a.authenticate(signedRequest('/b/3'), 'r');
    expect(calls).toHaveLength(2);
    a.revoke({ orgId: 'acme' });
    await a.authenticate(signedRequest('/b/4'), 'r');
    expect(calls).toHaveLength(3);
    a.clear();
    await a.authenticate(signedRequest('/b/5'), 'r');
    expect(calls).toHaveLength(4);
  });

  it('does not cache an answer that was in flight when a revocation arrived', async () => {
    const { auth, calls } = fakeAuth();
    const a = new Authenticator(auth, 3_600_000);
    const inFlight = a.authenticate(signedRequest('/b/1'), 'r');
    a.revoke({ accessKeyId: KEY_ID });
    expect((await inFlight)?.orgId).toBe('acme');
    await a.authenticate(signedRequest('/b/2'), 'r');
    expect(calls).toHaveLength(2);
  });
});
