import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { signedRequest } from './support/raw';

/**
 * Unsupported means refused: one case per row of the README's "Not implemented" table. Each
 * request asks for something we do not do and must get S3's error, never a silent 200.
 */
const client = s3();
const bucket = uniqueBucket('unsupported');
const key = 'present';

interface Row {
  feature: string;
  method: string;
  /** `B` is the bucket, `K` the existing object's key. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  code: string;
}

const subresource = (feature: string, query: string, method = 'GET', on: 'bucket' | 'object' = 'bucket'): Row => ({
  feature,
  method,
  path: `${on === 'bucket' ? '/B' : '/B/K'}?${query}`,
  status: 501,
  code: 'NotImplemented',
});

const ROWS: Row[] = [
  subresource('Lifecycle configuration', 'lifecycle'),
  { ...subresource('Lifecycle configuration (PUT)', 'lifecycle', 'PUT'), body: '<LifecycleConfiguration/>' },
  subresource('Bucket policy', 'policy'),
  subresource('Bucket policy status', 'policyStatus'),
  subresource('Replication', 'replication'),
  subresource('Static website hosting', 'website'),
  subresource('Event notifications', 'notification'),
  subresource('S3 Inventory', 'inventory'),
  subresource('Storage class analytics', 'analytics'),
  subresource('Request metrics', 'metrics'),
  subresource('Intelligent-Tiering', 'intelligent-tiering'),
  subresource('Transfer acceleration', 'accelerate'),
  subresource('Requester Pays', 'requestPayment'),
  subresource('Server access logging', 'logging'),
  subresource('Bucket encryption configuration', 'encryption'),
  subresource('Object Ownership', 'ownershipControls'),
  subresource('Block Public Access', 'publicAccessBlock'),
  subresource('Object Lock configuration', 'object-lock'),
  subresource('S3 Metadata tables', 'metadataTable'),
  subresource('Attribute-based access control', 'abac'),
  subresource('CreateSession', 'session'),
  subresource('RestoreObject', 'restore', 'POST', 'object'),
  subresource('S3 Select', 'select&select-type=2', 'POST', 'object'),
  subresource('BitTorrent', 'torrent', 'GET', 'object'),
  subresource('GetObjectAttributes', 'attributes', 'GET', 'object'),
  subresource('RenameObject', 'renameObject', 'PUT', 'object'),
  { feature: 'Object retention', method: 'GET', path: '/B/K?retention', status: 400, code: 'InvalidRequest' },
  { feature: 'Object legal hold', method: 'PUT', path: '/B/K?legal-hold', body: '<LegalHold><Status>ON</Status></LegalHold>', status: 400, code: 'InvalidRequest' },
  { feature: 'Object Lock on PUT', method: 'PUT', path: '/B/new', headers: { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z' }, status: 400, code: 'InvalidRequest' },
  { feature: 'Object Lock legal hold on PUT', method: 'PUT', path: '/B/new', headers: { 'x-amz-object-lock-legal-hold': 'ON' }, status: 400, code: 'InvalidRequest' },
  { feature: 'Object Lock on CreateBucket', method: 'PUT', path: '/lock-requested', headers: { 'x-amz-bucket-object-lock-enabled': 'true' }, status: 501, code: 'NotImplemented' },
  { feature: 'Object Ownership on CreateBucket', method: 'PUT', path: '/ownership-requested', headers: { 'x-amz-object-ownership': 'BucketOwnerEnforced' }, status: 501, code: 'NotImplemented' },
  { feature: 'SSE-C on PUT', method: 'PUT', path: '/B/new', headers: sseC('x-amz-server-side-encryption-customer'), status: 403, code: 'AccessDenied' },
  { feature: 'SSE-C on CreateMultipartUpload', method: 'POST', path: '/B/new?uploads', headers: sseC('x-amz-server-side-encryption-customer'), status: 403, code: 'AccessDenied' },
  { feature: 'SSE-C on GET', method: 'GET', path: '/B/K', headers: sseC('x-amz-server-side-encryption-customer'), status: 400, code: 'InvalidRequest' },
  { feature: 'SSE-C copy source', method: 'PUT', path: '/B/copy', headers: { 'x-amz-copy-source': '/B/K', ...sseC('x-amz-copy-source-server-side-encryption-customer') }, status: 400, code: 'InvalidRequest' },
  { feature: 'SSE-KMS', method: 'PUT', path: '/B/new', headers: { 'x-amz-server-side-encryption': 'aws:kms' }, status: 501, code: 'NotImplemented' },
  { feature: 'DSSE-KMS', method: 'PUT', path: '/B/new', headers: { 'x-amz-server-side-encryption': 'aws:kms:dsse' }, status: 501, code: 'NotImplemented' },
  { feature: 'SSE-KMS key id', method: 'POST', path: '/B/new?uploads', headers: { 'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:x' }, status: 501, code: 'NotImplemented' },
  { feature: 'S3 Bucket Keys', method: 'PUT', path: '/B/new', headers: { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' }, status: 501, code: 'NotImplemented' },
  { feature: 'Unknown encryption', method: 'PUT', path: '/B/new', headers: { 'x-amz-server-side-encryption': 'rot13' }, status: 400, code: 'InvalidArgument' },
  { feature: 'Storage class other than STANDARD', method: 'PUT', path: '/B/new', headers: { 'x-amz-storage-class': 'GLACIER' }, status: 400, code: 'InvalidStorageClass' },
  { feature: 'Storage class on copy', method: 'PUT', path: '/B/copy', headers: { 'x-amz-copy-source': '/B/K', 'x-amz-storage-class': 'STANDARD_IA' }, status: 400, code: 'InvalidStorageClass' },
  { feature: 'Website redirect', method: 'PUT', path: '/B/new', headers: { 'x-amz-website-redirect-location': '/elsewhere' }, status: 501, code: 'NotImplemented' },
  { feature: 'Grant headers on PUT', method: 'PUT', path: '/B/new', headers: { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }, status: 501, code: 'NotImplemented' },
  { feature: 'Requester Pays header', method: 'GET', path: '/B/K', headers: { 'x-amz-request-payer': 'requester' }, status: 501, code: 'NotImplemented' },
  { feature: 'Expected bucket owner', method: 'GET', path: '/B?list-type=2', headers: { 'x-amz-expected-bucket-owner': '111122223333' }, status: 501, code: 'NotImplemented' },
  { feature: 'MFA delete header', method: 'DELETE', path: '/B/K', headers: { 'x-amz-mfa': '123456 789012' }, status: 501, code: 'NotImplemented' },
  {
    feature: 'MFA delete in versioning',
    method: 'PUT',
    path: '/B?versioning',
    body: '<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>',
    status: 501,
    code: 'NotImplemented',
  },
  { feature: 'Conditional DeleteObject', method: 'DELETE', path: '/B/K', headers: { 'if-match': '"0"' }, status: 501, code: 'NotImplemented' },
  { feature: 'Append (write offset)', method: 'PUT', path: '/B/K', headers: { 'x-amz-write-offset-bytes': '4' }, status: 501, code: 'NotImplemented' },
];

function sseC(prefix: string): Record<string, string> {
  const keyBytes = Buffer.alloc(32, 7);
  return {
    [`${prefix}-algorithm`]: 'AES256',
    [`${prefix}-key`]: keyBytes.toString('base64'),
    [`${prefix}-key-md5`]: createHash('md5').update(keyBytes).digest('base64'),
  };
}

describe('unsupported features are refused', () => {
  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'original' }));
  });

  it.each(ROWS.map((r) => [r.feature, r] as const))('%s', async (_feature, row) => {
    const path = row.path.replace('/B', `/${bucket}`).replace('/K', `/${key}`);
    const headers = Object.fromEntries(Object.entries(row.headers ?? {}).map(([k, v]) => [k, v.replace('/B/K', `/${bucket}/${key}`)]));
    const res = await signedRequest({ method: row.method, path, headers, body: row.body ?? (row.method === 'PUT' ? 'payload' : undefined) });
    expect({ status: res.status, code: /<Code>([^<]*)<\/Code>/.exec(res.body)?.[1] }).toEqual({ status: row.status, code: row.code });
  });

  it('nothing a refused request asked for happened: the object is unchanged and no new one exists', async () => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body!.transformToString()).toBe('original');
    for (const k of ['new', 'copy']) {
      await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: k }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    }
  });

  it('the SDK: SSE-C PutObject is refused (never stored as plaintext) and Object Lock COMPLIANCE too', async () => {
    await expect(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk-ssec', Body: 'secret', SSECustomerAlgorithm: 'AES256', SSECustomerKey: Buffer.alloc(32, 1).toString('base64') })),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk-lock', Body: 'x', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) })),
    ).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
    await expect(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk-kms', Body: 'x', ServerSideEncryption: 'aws:kms' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 501 },
    });
    // What we do give is still accepted when asked for explicitly.
    const ok = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk-sse-s3', Body: 'x', ServerSideEncryption: 'AES256', StorageClass: 'STANDARD' }));
    expect(ok.ServerSideEncryption).toBe('AES256');
  });
});
