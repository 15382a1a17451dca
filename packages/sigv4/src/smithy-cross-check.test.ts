// Requests signed by the AWS SDK's own signer (@smithy/signature-v4, configured as the S3 client
// does) with hostile keys, query values and headers must verify; any change must not.
import { randomBytes, randomInt } from 'node:crypto';
import { checkRequestTime, deriveSigningKey, parseAuth, verifyRequest, type HttpRequestLike } from './index';
import { asNodeHeaders, s3Signer, sdkEscape, sdkQueryString, type SmithyRequest } from './test-support/smithy';

const ODD = [...'aZ09 -_.~!*\'()+/=&$,;:@?#%[]{}|\\^`"<>\t', 'é', 'ñ', '€', '😀', '中', '/', '//', ' ', '+', '%2F', '..', '.'];
const QUERY_NAMES = ['prefix', 'delimiter', 'continuation-token', 'start-after', 'x-id', 'uploads', 'max-keys', 'versionId', 'uploadId', 'partNumber', 'response-content-disposition', 'tagging', 'ñame', 'a b', 'A', 'a'];
const REGIONS = ['us-east-1', 'eu-central-1', 'excloud-fra-1'];

const pick = <T>(xs: readonly T[]): T => xs[randomInt(xs.length)];
const oddString = (max: number) => Array.from({ length: randomInt(max + 1) }, () => pick(ODD)).join('');

interface Case {
  secret: string;
  accessKeyId: string;
  region: string;
  signingDate: Date;
  request: SmithyRequest;
}

function randomCase(): Case {
  const key = oddString(12) || 'k';
  const query: Record<string, string | string[]> = {};
  for (let i = randomInt(5); i > 0; i--) {
    const name = pick(QUERY_NAMES);
    query[name] = randomInt(4) === 0 ? [oddString(6), oddString(6)] : randomInt(5) === 0 ? '' : oddString(10);
  }
  const headers: Record<string, string> = {
    host: pick(['localhost:9000', 'bucket.s3.excloud.example', '127.0.0.1']),
    'x-amz-content-sha256': pick(['UNSIGNED-PAYLOAD', randomBytes(32).toString('hex'), 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']),
    'user-agent': 'aws-sdk-js/3 (unsigned by design)',
  };
  if (randomInt(2)) headers['x-amz-meta-note'] = `  ${oddString(8).replace(/[\t]/g, ' ')}   tail  `;
  if (randomInt(2)) headers['Content-Type'] = 'text/plain;  charset=utf-8';
  if (randomInt(2)) headers.range = `bytes=0-${randomInt(1000)}`;
  if (randomInt(3) === 0) headers['x-amz-meta-unicode'] = 'Grüße 😀 中文';
  return {
    secret: randomBytes(30).toString('base64'),
    accessKeyId: 'AK' + randomBytes(8).toString('hex').toUpperCase(),
    region: pick(REGIONS),
    signingDate: new Date(Date.UTC(2024, randomInt(12), 1 + randomInt(28), randomInt(24), randomInt(60), randomInt(60))),
    request: {
      method: pick(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']),
      protocol: 'http:',
      hostname: 'localhost',
      path: '/bucket/' + key.split('/').map(sdkEscape).join('/'),
      query,
      headers,
    },
  };
}

function toRequestLike(signed: SmithyRequest, rawQuery = sdkQueryString(signed.query)): HttpRequestLike {
  return { method: signed.method, rawPath: signed.path, rawQuery, headers: asNodeHeaders(signed.headers) };
}

function verifies(c: Case, req: HttpRequestLike): boolean {
  const auth = parseAuth(req)!;
  checkRequestTime(auth, c.signingDate);
  try {
    verifyRequest(req, auth, deriveSigningKey(c.secret, auth.date, auth.region, auth.service));
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'SignatureDoesNotMatch') return false;
    throw err;
  }
}

/** Re-encodes a wire query differently but equivalently: escaped unreserved chars, lower-case hex. */
function reencodeEquivalently(rawQuery: string): string {
  return rawQuery.replace(/%[0-9A-F]{2}|[a~]/g, (m) => (m === 'a' ? '%61' : m === '~' ? '%7E' : m.toLowerCase()));
}

describe('cross-check with @smithy/signature-v4 (Authorization header)', () => {
  it('verifies 300 random requests signed by the SDK signer', async () => {
    for (let i = 0; i < 300; i++) {
      const c = randomCase();
      const signed = await s3Signer(c.accessKeyId, c.secret, c.region).signRequest(c.request, { signingDate: c.signingDate });
      const req = toRequestLike(signed);
      if (!verifies(c, req)) throw new Error(`did not verify: ${JSON.stringify(req)}`);
      expect(verifies(c, { ...req, rawQuery: reencodeEquivalently(req.rawQuery) })).toBe(true);
      expect(parseAuth(req)).toMatchObject({ accessKeyId: c.accessKeyId, region: c.region });
    }
  });

  it('rejects each kind of tampering', async () => {
    for (let i = 0; i < 60; i++) {
      const c = randomCase();
      const signed = await s3Signer(c.accessKeyId, c.secret, c.region).signRequest(c.request, { signingDate: c.signingDate });
      const req = toRequestLike(signed);
      const tampered: HttpRequestLike[] = [
        { ...req, method: req.method === 'GET' ? 'PUT' : 'GET' },
        { ...req, rawPath: req.rawPath + 'x' },
        { ...req, rawPath: req.rawPath.replace('/bucket/', '/other/') },
        { ...req, rawQuery: req.rawQuery ? req.rawQuery + '&extra=1' : 'extra' },
        { ...req, headers: { ...req.headers, host: 'evil.example' } },
        { ...req, headers: { ...req.headers, 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } },
      ];
      for (const t of tampered) expect(verifies(c, t)).toBe(false);
      expect(verifies({ ...c, secret: c.secret + 'x' }, req)).toBe(false);
    }
  });
});

describe('cross-check with @smithy/signature-v4 (presigned URLs, as the S3 presigner builds them)', () => {
  it('verifies 200 random presigned requests and rejects tampered ones', async () => {
    for (let i = 0; i < 200; i++) {
      const c = randomCase();
      const request = { ...c.request, headers: { ...c.request.headers } };
      delete request.headers['x-amz-content-sha256'];
      // What S3RequestPresigner.prepareRequest does before presigning.
      request.headers['X-Amz-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
      if (randomInt(2)) request.headers['x-amz-server-side-encryption'] = 'AES256';
      const expiresIn = 1 + randomInt(604800);
      const presigned = await s3Signer(c.accessKeyId, c.secret, c.region).presign(request, {
        signingDate: c.signingDate,
        expiresIn,
        unsignableHeaders: new Set(['content-type']),
        unhoistableHeaders: new Set(['x-amz-server-side-encryption']),
      });
      const req = toRequestLike(presigned);
      const auth = parseAuth(req)!;
      expect(auth).toMatchObject({ kind: 'presigned', expiresSeconds: expiresIn, payloadMode: 'UNSIGNED-PAYLOAD' });
      if (!verifies(c, req)) throw new Error(`did not verify: ${JSON.stringify(req)}`);
      expect(verifies(c, { ...req, rawQuery: reencodeEquivalently(req.rawQuery) })).toBe(true);
      expect(verifies(c, { ...req, rawQuery: req.rawQuery.replace(/X-Amz-Expires=\d+/, `X-Amz-Expires=${expiresIn + 1}`) })).toBe(false);
      expect(verifies(c, { ...req, rawPath: req.rawPath + '2' })).toBe(false);
      expect(() => checkRequestTime(auth, new Date(c.signingDate.getTime() + expiresIn * 1000 + 1000))).toThrow('Request has expired');
    }
  });
});
