import { CreateBucketCommand, GetObjectAclCommand, PutObjectAclCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { anonymous } from './support/raw';
import { s3, uniqueBucket } from './support/clients';

describe('Get/PutObjectAcl', () => {
  const client = s3();
  const bucket = uniqueBucket('object-acl');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('opens a single object with public-read in a private bucket', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'shared.txt', Body: 'shared' }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'secret.txt', Body: 'secret' }));
    expect((await anonymous('GET', `/${bucket}/shared.txt`)).status).toBe(403);
    await client.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'shared.txt', ACL: 'public-read' }));
    const acl = await client.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'shared.txt' }));
    expect(acl.Grants?.map((g) => g.Permission).sort()).toEqual(['FULL_CONTROL', 'READ']);
    const got = await anonymous('GET', `/${bucket}/shared.txt`);
    expect(got.status).toBe(200);
    expect(got.body).toBe('shared');
    expect((await anonymous('GET', `/${bucket}/secret.txt`)).status).toBe(403);
    // The bucket itself stays private: no anonymous listing.
    expect((await anonymous('GET', `/${bucket}?list-type=2`)).status).toBe(403);
  });

  it('sets the ACL at upload time with x-amz-acl', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'born-public.txt', Body: 'hello', ACL: 'public-read' }));
    expect((await anonymous('GET', `/${bucket}/born-public.txt`)).body).toBe('hello');
  });

  it('answers NoSuchKey for a missing object', async () => {
    await expect(client.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'nope' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(client.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'nope', ACL: 'private' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

describe('grants to an e-mail address', () => {
  const client = s3();
  const bucket = uniqueBucket('acl-email');

  it('answer 400 UnresolvableGrantByEmailAddress, as S3 does for an address it cannot resolve', async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'o', Body: 'x' }));
    const refused = client.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'o', GrantRead: 'emailAddress="someone@example.com"' }));
    await expect(refused).rejects.toMatchObject({ name: 'UnresolvableGrantByEmailAddress', $metadata: { httpStatusCode: 400 } });
  });
});
