import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { EMPTY_SHA256, SigV4Signer, UNSIGNED_PAYLOAD, encodeKeyPath, wireQuery } from './sigv4';

const AWS_KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' };
const AWS_DATE = new Date(Date.UTC(2013, 4, 24));

const signatureOf = (headers: Record<string, string>) => /Signature=([0-9a-f]{64})$/.exec(headers.authorization)?.[1];

// The published examples of https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
describe('the AWS documentation examples', () => {
  const signer = new SigV4Signer(AWS_KEY);

  it('GET Object with a Range header', () => {
    const h = signer.sign(
      { method: 'GET', path: '/test.txt', headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9' }, payloadHash: EMPTY_SHA256 },
      AWS_DATE,
    );
    expect(signatureOf(h)).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(h.authorization).toContain('Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,');
  });

  it('PUT Object with an encoded key and a signed payload hash', () => {
    const body = 'Welcome to Amazon S3.';
    const h = signer.sign(
      {
        method: 'PUT',
        path: '/test%24file.text',
        headers: { Host: 'examplebucket.s3.amazonaws.com', Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
        payloadHash: createHash('sha256').update(body).digest('hex'),
      },
      AWS_DATE,
    );
    expect(signatureOf(h)).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('GET Bucket (list objects) with query parameters', () => {
    const h = signer.sign(
      { method: 'GET', path: '/', query: [['prefix', 'J'], ['max-keys', '2']], headers: { host: 'examplebucket.s3.amazonaws.com' }, payloadHash: EMPTY_SHA256 },
      AWS_DATE,
    );
    expect(signatureOf(h)).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });

  it('a wrong secret gives a different signature', () => {
    const other = new SigV4Signer({ ...AWS_KEY, secretAccessKey: AWS_KEY.secretAccessKey.replace('K7', 'K8') });
    const h = other.sign({ method: 'GET', path: '/test.txt', headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9' }, payloadHash: EMPTY_SHA256 }, AWS_DATE);
    expect(signatureOf(h)).not.toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });
});

/** node:crypto behind the hash interface the SDK signer expects. */
class NodeSha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

describe('cross-check with the AWS SDK signer (@smithy/signature-v4)', () => {
  const KEYS = ['obj-1', 'a/b/c.txt', 'sp ace', 'odd$&+,;=@!*()\'', 'ünï/çødé', 'x~y_z-.bin'];
  const QUERY = [[], [['list-type', '2'], ['max-keys', '100']], [['uploads', '']], [['partNumber', '3'], ['uploadId', 'a+b/c=']], [['continuation-token', 'AbC/+=='], ['list-type', '2']]] as Array<Array<[string, string]>>;

  it('signs 200 random requests exactly as the SDK does', async () => {
    for (let i = 0; i < 200; i++) {
      const creds = { accessKeyId: 'AK' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64'), region: i % 2 ? 'auto' : 'eu-west-1' };
      const date = new Date(Date.UTC(2024, randomInt(12), 1 + randomInt(28), randomInt(24), randomInt(60), randomInt(60)));
      const method = ['GET', 'PUT', 'HEAD', 'DELETE', 'POST'][randomInt(5)];
      const path = encodeKeyPath('bench-bucket', KEYS[randomInt(KEYS.length)]);
      const query = QUERY[randomInt(QUERY.length)];
      const payloadHash = randomInt(2) ? UNSIGNED_PAYLOAD : randomBytes(32).toString('hex');
      const headers: Record<string, string> = { host: '127.0.0.1:9000', 'content-length': String(randomInt(1 << 20)) };
      if (randomInt(2)) headers['content-type'] = 'application/octet-stream';

      const ours = new SigV4Signer(creds).sign({ method, path, query, headers, payloadHash }, date);

      const sdk = new SignatureV4({ credentials: creds, region: creds.region, service: 's3', sha256: NodeSha256 as never, uriEscapePath: false, applyChecksum: false });
      const signed = await sdk.sign(
        {
          method,
          protocol: 'http:',
          hostname: '127.0.0.1',
          port: 9000,
          path,
          query: Object.fromEntries(query),
          headers: { ...headers, 'x-amz-content-sha256': payloadHash },
        } as never,
        { signingDate: date },
      );
      expect(ours.authorization).toBe((signed as unknown as { headers: Record<string, string> }).headers.authorization);
    }
  });
});

describe('wireQuery', () => {
  it('encodes like the canonical query so the server sees what was signed', () => {
    expect(wireQuery([])).toBe('');
    expect(wireQuery([['uploadId', 'a+b/c='], ['partNumber', '2']])).toBe('?partNumber=2&uploadId=a%2Bb%2Fc%3D');
    expect(wireQuery([['uploads', '']])).toBe('?uploads=');
  });
});
