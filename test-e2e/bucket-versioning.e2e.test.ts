import { CreateBucketCommand, GetBucketVersioningCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { signedRequest } from './support/raw';

describe('Get/PutBucketVersioning', () => {
  const client = s3();
  const bucket = uniqueBucket('versioning');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('starts without a status, then reports Enabled and Suspended', async () => {
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBeUndefined();
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Suspended');
  });

  it('refuses malformed configuration', async () => {
    const res = await signedRequest({ method: 'PUT', path: `/${bucket}?versioning`, body: '<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>MalformedXML</Code>');
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    await expect(client.send(new GetBucketVersioningCommand({ Bucket: `${bucket}-nope` }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
