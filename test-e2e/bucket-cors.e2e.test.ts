import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type CORSRule,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3, uniqueBucket } from './support/clients';
import { rawRequest, type RawResponse } from './support/raw';
import { stack } from './support/stack';

const APP = 'https://app.example.com';

/** What a browser sends: an unsigned OPTIONS on the org's host name. */
function preflight(path: string, headers: Record<string, string>, orgId = stack().orgId): Promise<RawResponse> {
  const s = stack();
  return rawRequest({ port: s.port, method: 'OPTIONS', path, headers: { host: `${orgId}.${s.baseDomain}:${s.port}`, ...headers } });
}

/** A browser following a presigned URL, with its Origin header. */
function fromBrowser(method: string, url: string, origin: string, body?: string): Promise<RawResponse> {
  const u = new URL(url);
  const headers: Record<string, string> = { host: u.host, origin };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return rawRequest({ port: stack().port, method, path: u.pathname + u.search, headers, body });
}

describe('bucket CORS', () => {
  const client = s3();
  const bucket = uniqueBucket('cors');
  const rules: CORSRule[] = [
    { ID: 'app', AllowedOrigins: [APP], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['content-type', 'x-amz-*'], ExposeHeaders: ['ETag', 'x-amz-version-id'], MaxAgeSeconds: 600 },
    { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
  ];

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: 'hello' }));
  });

  it('has no configuration at first: GetBucketCors is NoSuchCORSConfiguration and preflights are refused', async () => {
    await expect(client.send(new GetBucketCorsCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration', $metadata: { httpStatusCode: 404 } });
    const res = await preflight(`/${bucket}/hello.txt`, { origin: APP, 'access-control-request-method': 'PUT' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>AccessForbidden</Code>');
    expect(res.body).toContain('<Message>CORSResponse: CORS is not enabled for this bucket.</Message>');
    expect(res.body).toContain('<Method>PUT</Method><ResourceType>OBJECT</ResourceType>');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('stores and returns the rules', async () => {
    await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
    const got = await client.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(got.CORSRules).toEqual([
      { ID: 'app', AllowedOrigins: [APP], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['content-type', 'x-amz-*'], ExposeHeaders: ['ETag', 'x-amz-version-id'], MaxAgeSeconds: 600 },
      { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
    ]);
  });

  it('answers a matching preflight with the first matching rule', async () => {
    const res = await preflight(`/${bucket}/upload.bin`, { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type, X-Amz-Date' });
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'PUT, GET',
      'access-control-allow-headers': 'content-type, x-amz-date',
      'access-control-expose-headers': 'ETag, x-amz-version-id',
      'access-control-max-age': '600',
      'access-control-allow-credentials': 'true',
    });
    expect(res.headers.vary).toContain('Origin');
    // Another origin only gets the wildcard GET rule.
    const anyGet = await preflight(`/${bucket}`, { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' });
    expect(anyGet.status).toBe(200);
    expect(anyGet.headers['access-control-allow-origin']).toBe('*');
    expect(anyGet.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses a preflight no rule allows with 403 AccessForbidden (CORSResponse), and malformed ones with 400', async () => {
    const refused: Array<Record<string, string>> = [
      { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
      { origin: APP, 'access-control-request-method': 'DELETE' },
      { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization' },
    ];
    for (const headers of refused) {
      const res = await preflight(`/${bucket}/k`, headers);
      expect(res.status).toBe(403);
      expect(res.body).toContain('<Code>AccessForbidden</Code>');
      expect(res.body).toContain('CORSResponse: This CORS request is not allowed.');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const noOrigin = await preflight(`/${bucket}/k`, { 'access-control-request-method': 'PUT' });
    expect(noOrigin.status).toBe(400);
    expect(noOrigin.body).toContain('<Message>Insufficient information. Origin request header needed.</Message>');
    const badMethod = await preflight(`/${bucket}/k`, { origin: APP, 'access-control-request-method': 'PATCH' });
    expect(badMethod.status).toBe(400);
    expect(badMethod.body).toContain('Invalid Access-Control-Request-Method: PATCH');
  });

  it('adds the CORS headers to a browser request with Origin, also to its errors', async () => {
    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: 'from-browser.txt' }), { expiresIn: 300 });
    const put = await fromBrowser('PUT', putUrl, APP, 'uploaded by a page');
    expect(put.status).toBe(200);
    expect(put.headers).toMatchObject({ 'access-control-allow-origin': APP, 'access-control-expose-headers': 'ETag, x-amz-version-id' });
    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'from-browser.txt' }), { expiresIn: 300 });
    const get = await fromBrowser('GET', getUrl, 'https://elsewhere.example');
    expect(get.status).toBe(200);
    expect(get.body).toBe('uploaded by a page');
    expect(get.headers['access-control-allow-origin']).toBe('*');
    // PUT from an origin no rule allows for PUT: the request itself works (it is signed), without CORS headers.
    const other = await fromBrowser('PUT', putUrl, 'https://evil.example', 'x');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const missingUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'missing' }), { expiresIn: 300 });
    const missing = await fromBrowser('GET', missingUrl, APP);
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe(APP);
  });

  it('validates the configuration as S3 does', async () => {
    const bad = (CORSRules: CORSRule[]) => client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules } }));
    await expect(bad([{ AllowedOrigins: [APP], AllowedMethods: ['PATCH'] }])).rejects.toMatchObject({ name: 'InvalidRequest', message: 'Found unsupported HTTP method in CORS config. Unsupported method is PATCH' });
    await expect(bad([{ AllowedOrigins: ['https://*.*.example'], AllowedMethods: ['GET'] }])).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(bad([])).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    // The stored rules are unchanged by refused updates.
    expect((await client.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules).toHaveLength(2);
  });

  it('is per org: another tenant neither reads the rules nor gets a preflight answer for the same bucket name', async () => {
    await expect(s3({ who: 'other' }).send(new GetBucketCorsCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    const res = await preflight(`/${bucket}/k`, { origin: APP, 'access-control-request-method': 'PUT' }, stack().other.orgId);
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('DeleteBucketCors removes the configuration', async () => {
    const del = await client.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await expect(client.send(new GetBucketCorsCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration' });
    const res = await preflight(`/${bucket}/k`, { origin: APP, 'access-control-request-method': 'GET' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('CORS is not enabled for this bucket.');
  });
});
